"""Metric induction for plugeval: AutoMetrics (bank + regression) — AutoLibra to follow."""

from ._agreement import Correlation, correlations
from ._autometrics import AutoMetricsResult, Row, load_rows, run_bank_only, split_by_group
from ._bank import BANK, BankMetric, MetricCard
from ._regression import Composite, fit_composite
from ._retrieval import rank_metrics

__all__ = [
    "BANK",
    "AutoMetricsResult",
    "BankMetric",
    "Composite",
    "Correlation",
    "MetricCard",
    "Row",
    "correlations",
    "fit_composite",
    "load_rows",
    "rank_metrics",
    "run_bank_only",
    "split_by_group",
]
