"""Early stopping: try attempts in order and stop at the first whose critic score reaches a threshold.

When no attempt reaches it, all N are used and the critic's best of them is kept (as always-N does).
For each threshold of a sweep: success rate, attempts used, attempts saved vs always-N (N attempts,
critic's best kept), and success minus always-N's — each with a bootstrap 95% CI over samples.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ._attempts import AttemptTable
from ._rerank import best_at_k
from ._stats import bounded_figure, figure

DEFAULT_THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))
"""0.05, 0.10, ..., 0.95."""


def stop_at(scores: np.ndarray, outcomes: np.ndarray, threshold: float) -> tuple[float, int]:
    """(outcome, attempts used) for one sample under `threshold`."""
    passing = np.flatnonzero(scores >= threshold)
    if passing.size:
        first = int(passing[0])
        return float(outcomes[first]), first + 1
    return best_at_k(scores, outcomes, len(scores)), len(scores)


def early_stopping(
    table: AttemptTable, thresholds: Sequence[float] = DEFAULT_THRESHOLDS, resamples: int = 2000, seed: int = 0
) -> dict[str, Any]:
    """The threshold sweep report."""
    rng = np.random.default_rng(seed)
    n, attempts = len(table.sample_ids), table.attempts
    draws = rng.integers(0, n, (resamples, n))
    always = np.array([best_at_k(s, o, attempts) for s, o in zip(table.scores, table.outcomes, strict=True)])
    rows = []
    for threshold in thresholds:
        results = [stop_at(s, o, threshold) for s, o in zip(table.scores, table.outcomes, strict=True)]
        success = np.array([r[0] for r in results])
        used = np.array([r[1] for r in results], dtype=float)
        saved = 1.0 - used / attempts
        difference = success - always
        rows.append(
            {
                "threshold": threshold,
                "success": bounded_figure(success, draws),
                "attempts": figure(used.mean(), used[draws].mean(axis=1), n),
                "saved": bounded_figure(saved, draws),
                "success_minus_always_n": figure(difference.mean(), difference[draws].mean(axis=1), n),
            }
        )
    return {
        "attempts": attempts,
        "samples": n,
        "cross_fitted_samples": table.cross_fitted,
        "always_n": {"attempts": attempts, "success": bounded_figure(always, draws)},
        "first_attempt": {"attempts": 1, "success": bounded_figure(table.outcomes[:, 0].astype(float), draws)},
        "thresholds": rows,
    }


def stopping_table(report: dict[str, Any]) -> str:
    """The sweep as a text table."""
    always = report["always_n"]["success"]
    lines = [
        f"always-{report['attempts']} (critic's best kept): success {always['value']:.3f} "
        f"[{always['ci95'][0]:.3f}, {always['ci95'][1]:.3f}], n={always['n']}",
        f"{'threshold':>9}  {'success':<22}{'attempts':>9}  {'saved':<8}success - always-N",
    ]
    for row in report["thresholds"]:
        s, d = row["success"], row["success_minus_always_n"]
        s_ci, d_ci = s["ci95"] or [s["value"]] * 2, d["ci95"] or [d["value"]] * 2
        success = f"{s['value']:.3f} [{s_ci[0]:.3f}, {s_ci[1]:.3f}]"
        lines.append(
            f"{row['threshold']:>9.2f}  {success:<22}{row['attempts']['value']:>9.2f}  {row['saved']['value']:>6.1%}  "
            f"{d['value']:+.3f} [{d_ci[0]:+.3f}, {d_ci[1]:+.3f}]"
        )
    return "\n".join(lines)
