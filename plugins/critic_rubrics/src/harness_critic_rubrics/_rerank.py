"""Best-of-k reranking: Random@k, Best@k (by the critic) and Oracle@k (by the true outcome), k = 1..N.

Each figure is the expectation over every k-subset of a sample's N attempts, computed exactly:

- Random@k: a uniformly random attempt of the subset succeeds — the sample's mean outcome, for every k.
- Best@k: the subset's attempt with the highest critic score succeeds. Ranking the N attempts by
  score, the attempt at rank i (0 = best) is the subset's best in C(N-1-i, k-1) of the C(N, k)
  subsets; tied scores are broken at random, which is the same as giving each tied attempt the
  mean outcome of its tie group.
- Oracle@k: some attempt of the subset succeeds, 1 - C(N-c, k)/C(N, k) with c successes (pass@k).

Means over samples carry a percentile bootstrap over samples (2,000 resamples by default), and
Best@k - Random@k a paired one.
"""

from __future__ import annotations

from math import comb
from typing import Any

import numpy as np

from ._attempts import AttemptTable
from ._stats import bounded_figure, figure


def best_at_k(scores: np.ndarray, outcomes: np.ndarray, k: int) -> float:
    """Expected outcome of the top-scored attempt of a random k-subset of one sample's attempts."""
    n = len(scores)
    order = np.argsort(-scores, kind="stable")
    tied = outcomes.astype(float).copy()
    for value in np.unique(scores):
        group = scores == value
        tied[group] = outcomes[group].mean()
    weights = np.array([comb(n - 1 - i, k - 1) for i in range(n)], dtype=float) / comb(n, k)
    return float((tied[order] * weights).sum())


def oracle_at_k(outcomes: np.ndarray, k: int) -> float:
    """Probability that a random k-subset of one sample's attempts holds a success (pass@k)."""
    n, c = len(outcomes), int(outcomes.sum())
    return 1.0 - comb(n - c, k) / comb(n, k)


def per_sample(table: AttemptTable, k: int) -> dict[str, np.ndarray]:
    """Per-sample Random@k, Best@k and Oracle@k."""
    return {
        "random": table.outcomes.mean(axis=1),
        "best": np.array([best_at_k(s, o, k) for s, o in zip(table.scores, table.outcomes, strict=True)]),
        "oracle": np.array([oracle_at_k(o, k) for o in table.outcomes]),
    }


def rerank(table: AttemptTable, resamples: int = 2000, seed: int = 0) -> dict[str, Any]:
    """The rerank report: for each k, the three figures and Best - Random, each with n, stderr and 95% CI."""
    rng = np.random.default_rng(seed)
    n = len(table.sample_ids)
    draws = rng.integers(0, n, (resamples, n))
    rows = []
    for k in range(1, table.attempts + 1):
        values = per_sample(table, k)
        row: dict[str, Any] = {"k": k}
        for name in ("random", "best", "oracle"):
            row[name] = bounded_figure(values[name], draws)
        difference = values["best"] - values["random"]
        row["best_minus_random"] = figure(difference.mean(), difference[draws].mean(axis=1), n)
        rows.append(row)
    return {
        "attempts": table.attempts,
        "samples": n,
        "cross_fitted_samples": table.cross_fitted,
        "left_out": table.left_out,
        "method": "exact expectation over k-subsets of each sample's attempts; bootstrap over samples",
        "k": rows,
    }


def rerank_table(report: dict[str, Any]) -> str:
    """The report as a text table."""
    lines = [f"{'k':>3}  {'Random@k':<22}{'Best@k':<22}{'Oracle@k':<22}Best - Random"]
    for row in report["k"]:
        cells = [_cell(row[name]) for name in ("random", "best", "oracle")]
        diff = row["best_minus_random"]
        ci = diff["ci95"] or [diff["value"], diff["value"]]
        lines.append(
            f"{row['k']:>3}  {''.join(f'{c:<22}' for c in cells)}{diff['value']:+.3f} [{ci[0]:+.3f}, {ci[1]:+.3f}]"
        )
    return "\n".join(lines)


def _cell(fig: dict[str, Any]) -> str:
    low, high = fig["ci95"] or (fig["value"], fig["value"])
    return f"{fig['value']:.3f} [{low:.3f}, {high:.3f}]"
