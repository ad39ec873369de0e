"""Resolve rates with their intervals, and the two cross-setting ratios with theirs.

A rate's 95% CI is the core's (`harness.mean_estimate`: Wilson for 0/1 outcomes, which stays
honest at 0 and 1 and for small n; Student's t for pooled means). A ratio of two rates gets the
MOVER-R interval (Donner & Zou 2012, "method of variance estimates recovery"), built in closed form
from the two rates' own intervals, so it inherits Wilson's behaviour at the boundary. It treats the
two settings as independent samples, which is conservative when they ran on the same instances.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from harness import Estimate, mean_estimate

from ._runs import Run


@dataclass(frozen=True)
class Ratio:
    """numerator / denominator (minus 1 for a relative improvement), with its 95% CI."""

    value: float | None
    ci95: tuple[float, float] | None


def estimate(run: Run) -> Estimate:
    """The run's resolve rate over its instances with the core's interval."""
    return mean_estimate(list(run.outcomes.values()))


def mover_ratio(top: Estimate, bottom: Estimate) -> tuple[float, float] | None:
    """MOVER-R 95% CI of top.value / bottom.value from the two estimates' own CIs (None when undefined)."""
    if top.value is None or bottom.value is None or not top.ci95 or not bottom.ci95 or bottom.value <= 0:
        return None
    p1, (l1, u1) = top.value, top.ci95
    p2, (l2, u2) = bottom.value, bottom.ci95
    product = p1 * p2
    low_denominator = u2 * (2 * p2 - u2)
    low_root = product * product - l1 * u2 * (2 * p1 - l1) * (2 * p2 - u2)
    low = (product - math.sqrt(max(low_root, 0.0))) / low_denominator if low_denominator > 0 else 0.0
    high_denominator = l2 * (2 * p2 - l2)
    high_root = product * product - u1 * l2 * (2 * p1 - u1) * (2 * p2 - l2)
    high = (product + math.sqrt(max(high_root, 0.0))) / high_denominator if high_denominator > 0 else math.inf
    return max(low, 0.0), high


def ratio(top: Run, bottom: Run, minus_one: bool) -> Ratio:
    """top's rate / bottom's rate (− 1 when `minus_one`: the relative improvement), with MOVER-R CI."""
    a, b = estimate(top), estimate(bottom)
    if a.value is None or b.value is None or b.value == 0:
        return Ratio(None, None)
    shift = 1.0 if minus_one else 0.0
    interval = mover_ratio(a, b)
    ci = (interval[0] - shift, interval[1] - shift) if interval else None
    return Ratio(a.value / b.value - shift, ci)
