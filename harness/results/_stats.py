"""Uncertainty of reported scores: standard errors and 95% confidence intervals.

No reported interval is narrower than the data allow: pass/fail rates get Wilson's interval
(honest at 0/n, n/n and n = 1), other means Student's t, and a mean whose samples all agree
gets Hoeffding's interval over the score's declared range, or none when no range is declared.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

CIMethod = Literal["wilson", "t", "hoeffding", "bootstrap", "unavailable"]
Z95 = 1.959963984540054


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

    def to_dict(self) -> dict[str, Any]:
        """As a results record holds it: `value`, `stderr`, `ci95` (a list, or None), `n` and `ci_method`."""
        return {
            "value": self.value,
            "stderr": self.stderr,
            "ci95": list(self.ci95) if self.ci95 else None,
            "n": self.n,
            "ci_method": self.method,
        }


def mean_estimate(
    values: Sequence[float], binary: bool | None = None, bounds: tuple[float, float] | None = None
) -> Estimate:
    """Mean of per-sample scores with its standard error and 95% CI.

    Pass/fail scores get the Wilson score interval, which stays inside [0, 1] and is honest for
    small n (n = 1 included) and for rates of 0 or 1 (0/40 gives [0, 0.088], not [0, 0]). Other
    scores get Student's t interval; when every value is the same (no spread to estimate from),
    Hoeffding's interval over `bounds`, the range the score can take, or no interval without one.

    Args:
        values: One score per sample (epochs already reduced).
        binary: Whether the scores are pass/fail; None infers it (every value 0 or 1).
        bounds: The declared range of a score that is not pass/fail, for Hoeffding's interval.
    """
    n = len(values)
    if n == 0:
        return Estimate(None, None, None, 0, "unavailable")
    mean = sum(values) / n
    stderr = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1) / n) if n > 1 else None
    if binary if binary is not None else all(v in (0.0, 1.0) for v in values):
        return Estimate(mean, stderr, wilson_interval(mean, n), n, "wilson")
    if stderr:
        from scipy import stats

        half = float(stats.t.ppf(0.975, n - 1)) * stderr
        return Estimate(mean, stderr, (mean - half, mean + half), n, "t")
    if bounds is not None and bounds[0] < bounds[1]:
        return Estimate(mean, stderr, hoeffding_interval(mean, n, bounds), n, "hoeffding")
    return Estimate(mean, stderr, None, n, "unavailable")


def wilson_interval(proportion: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (Wilson, 1927)."""
    denominator = 1 + z * z / n
    centre = (proportion + z * z / (2 * n)) / denominator
    half = z * math.sqrt(max(proportion * (1 - proportion), 0.0) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def hoeffding_interval(mean: float, n: int, bounds: tuple[float, float], alpha: float = 0.05) -> tuple[float, float]:
    """Hoeffding's 1 - alpha interval for the mean of n independent values in `bounds` (Hoeffding, 1963).

    Distribution-free: it needs no variance estimate, so it holds where the sample shows none.
    """
    low, high = bounds
    half = (high - low) * math.sqrt(math.log(2 / alpha) / (2 * n))
    return (max(low, mean - half), min(high, mean + half))
