"""Uncertainty of reported scores: standard errors and 95% confidence intervals."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

CIMethod = Literal["wilson", "t", "bootstrap", "unavailable"]


@dataclass(frozen=True)
class Estimate:
    """A score with its uncertainty.

    Attributes:
        value: The point estimate.
        stderr: Standard error of the estimate (None when it cannot be estimated).
        ci95: 95% confidence interval (low, high), or None.
        n: Number of independent units (samples, after reducing epochs).
        method: How the interval was computed.
    """

    value: float | None
    stderr: float | None
    ci95: tuple[float, float] | None
    n: int
    method: CIMethod


def mean_estimate(values: Sequence[float], binary: bool | None = None) -> Estimate:
    """Mean of per-sample scores with its standard error and 95% CI.

    Binary scores get the Wilson score interval, which stays inside [0, 1] and
    is honest for small n and rates near 0 or 1; other scores get Student's t
    interval. `binary` says which the scores are; None infers it (all values 0 or 1).
    With fewer than two values the uncertainty is unknown.
    """
    n = len(values)
    if n == 0:
        return Estimate(None, None, None, 0, "unavailable")
    mean = sum(values) / n
    if n < 2:
        return Estimate(mean, None, None, n, "unavailable")
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    stderr = math.sqrt(variance / n)
    if binary if binary is not None else all(v in (0.0, 1.0) for v in values):
        return Estimate(mean, stderr, wilson_interval(mean, n), n, "wilson")
    from scipy import stats

    half = float(stats.t.ppf(0.975, n - 1)) * stderr
    return Estimate(mean, stderr, (mean - half, mean + half), n, "t")


def wilson_interval(proportion: float, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (Wilson, 1927)."""
    denominator = 1 + z * z / n
    centre = (proportion + z * z / (2 * n)) / denominator
    half = z * math.sqrt(proportion * (1 - proportion) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))
