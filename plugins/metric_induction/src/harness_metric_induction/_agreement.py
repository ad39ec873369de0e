"""Agreement with human scores: Kendall tau and Spearman rho with paired-bootstrap 95% CIs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

RESAMPLES = 2000


@dataclass(frozen=True)
class Correlation:
    """A rank correlation on n rows, with its bootstrap interval."""

    value: float
    ci95: tuple[float, float]
    n: int


def correlations(
    predicted: Sequence[float] | np.ndarray, human: Sequence[float], seed: int = 0, resamples: int = RESAMPLES
) -> dict[str, Correlation]:
    """Kendall's tau-b and Spearman's rho; rows resampled in pairs (percentile bootstrap)."""
    import warnings

    from scipy.stats import kendalltau, spearmanr

    x, y = np.asarray(predicted, dtype=float), np.asarray(human, dtype=float)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(x), size=(resamples, len(x)))
    with warnings.catch_warnings():  # a constant resample has no correlation: dropped below as NaN
        warnings.simplefilter("ignore")
        return _correlations(x, y, picks, kendalltau, spearmanr)


def _correlations(x: np.ndarray, y: np.ndarray, picks: np.ndarray, kendalltau, spearmanr) -> dict[str, Correlation]:
    results = {}
    for name, statistic in (("kendall_tau", kendalltau), ("spearman", spearmanr)):
        value = float(statistic(x, y)[0])
        draws = np.array([statistic(x[p], y[p])[0] for p in picks], dtype=float)
        draws = draws[~np.isnan(draws)]
        low, high = np.percentile(draws, [2.5, 97.5]) if len(draws) else (np.nan, np.nan)
        results[name] = Correlation(value, (float(low), float(high)), len(x))
    return results
