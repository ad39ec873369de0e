"""One metric's estimate over a scorer's values: the mean's interval, or a bootstrap's.

A mean (`accuracy`, `mean`) and a pass/fail metric equal to the proportion take the interval of
the scorer's mean (`_scored.Scored.mean`: Wilson, Student's t or Hoeffding). Any other metric
(precision, F1, rates...) gets a bootstrap interval: the metric's own inspect implementation is
re-run on resamples of the per-sample scores (samples drawn with replacement, all epochs of a
drawn sample kept together), so any registered metric gets an interval without knowing its
formula (Efron & Tibshirani, 1993: percentile bootstrap).
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, Callable

from dataclasses import replace

from harness.results._scored import Scored
from harness.results._stats import Estimate

RESAMPLES = 1000
SEED = 20260101
MEAN_METRICS = frozenset({"accuracy", "mean"})


def metric_estimate(scored: Scored, name: str, reported: Any, partial: bool) -> Estimate:
    """One metric's estimate: the mean's, a proportion's, or a bootstrap's over the scored samples
    (`reported`: the metric's value in inspect's results)."""
    value, estimate = _number(reported), scored.mean
    if partial:
        value = estimate.value if name in MEAN_METRICS else metric_value(scored.pairs, name)
    is_mean = name in MEAN_METRICS or (
        scored.binary and value is not None and estimate.value is not None and math.isclose(value, estimate.value)
    )
    if is_mean and estimate.n:
        return replace(estimate, value=value)  # the metric's own value, the mean's interval
    n = len({sample_id for sample_id, _ in scored.pairs})
    found = bootstrap_estimate(scored.pairs, name, value) if value is not None else None
    if found is None or found.ci95 is None or (found.ci95[0] == found.ci95[1] and n > 1):
        return Estimate(value, found.stderr if found else None, None, n, "unavailable")
    return found


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is not a score


def bootstrap_estimate(scored: list[tuple[Any, Any]], metric_name: str, value: float | None) -> Estimate | None:
    """Percentile bootstrap 95% CI and standard error of `metric_name` over the scored samples, or None
    (also when the metric is undefined, NaN, on more than 5% of resamples).

    `scored` holds the scorer's (sample id, value) pairs (`_scored.scored_values`).
    """
    metric = _metric_function(metric_name)
    units = _units(scored)
    if metric is None or len(units) < 2:
        return None
    import numpy as np

    rng = np.random.default_rng(SEED)
    draws = []
    for _ in range(RESAMPLES):
        picked = rng.integers(0, len(units), len(units))
        try:
            draws.append(float(metric([s for i in picked for s in units[i]])))
        except Exception:  # the metric cannot be computed on some resample (e.g. divides by zero)
            return None
    values = np.array(draws)
    values = values[np.isfinite(values)]
    if len(values) < 0.95 * RESAMPLES:  # the metric is undefined on too many resamples: no honest interval
        return None
    low, high = np.percentile(values, [2.5, 97.5])
    return Estimate(value, float(values.std(ddof=1)), (float(low), float(high)), len(units), "bootstrap")


def metric_value(scored: list[tuple[Any, Any]], metric_name: str) -> float | None:
    """`metric_name` computed by its inspect implementation over the scored samples, or None when it
    cannot be (unknown metric, one that needs arguments, or undefined on these samples)."""
    metric = _metric_function(metric_name)
    units = _units(scored)
    if metric is None or not units:
        return None
    try:
        value = float(metric([s for unit in units for s in unit]))
    except Exception:  # the metric is undefined on these samples
        return None
    return value if math.isfinite(value) else None


def _units(scored: list[tuple[Any, Any]]) -> list[list[Any]]:
    """Each scored sample's epochs as inspect `SampleScore`s, in sample-id order (so an interval does
    not depend on the order samples finished, or were merged, in)."""
    from inspect_ai.scorer import SampleScore, Score

    groups: dict[Any, list[Any]] = defaultdict(list)
    for sample_id, raw in scored:
        groups[sample_id].append(SampleScore(score=Score(value=raw), sample_id=sample_id))
    return [groups[key] for key in sorted(groups, key=lambda i: (isinstance(i, str), i))]


def _metric_function(name: str) -> Callable[[list[Any]], Any] | None:
    from inspect_ai._util.registry import registry_find, registry_unqualified_name  # private: re-check on upgrades

    factories = registry_find(lambda info: info.type == "metric" and registry_unqualified_name(info) == name)
    if len(factories) != 1:
        return None
    factory: Any = factories[0]
    try:
        return factory()  # type: ignore[no-any-return]
    except TypeError:  # a metric factory that needs arguments
        return None
