"""Task success with each seat, and the gap between them (candidate − reference).

Rates carry Wilson intervals. The gap is paired when ids match: over the matched conversations,
Newcombe's interval for paired proportions (method 10); otherwise over all conversations,
Newcombe's hybrid score interval for independent proportions (Newcombe 1998). Both stay honest at
0/n and n/n, where a bootstrap's resamples all agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from harness.usi._conversations import Conversation


def _rate(values: np.ndarray) -> dict[str, Any]:
    from harness.results._stats import wilson_interval

    n = len(values)
    p = float(values.mean())
    low, high = wilson_interval(p, n)
    return {
        "value": round(p, 4),
        "ci95": [round(low, 4), round(high, 4)],
        "stderr": round(math.sqrt(p * (1 - p) / n), 4),
        "n": n,
        "ci_method": "wilson",
    }


def _unpaired_interval(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    from harness.results._stats import wilson_interval

    p1, p2 = float(a.mean()), float(b.mean())
    l1, u1 = wilson_interval(p1, len(a))
    l2, u2 = wilson_interval(p2, len(b))
    difference = p2 - p1
    return (
        max(-1.0, difference - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)),
        min(1.0, difference + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)),
    )


def success_block(reference: Sequence[Conversation], candidate: Sequence[Conversation]) -> dict[str, Any]:
    """Success rate of each set and the gap (candidate − reference), paired where ids match."""
    from harness.results._compare import paired_difference_interval

    ref = np.array([c.success for c in reference], dtype=float)
    cand = np.array([c.success for c in candidate], dtype=float)
    of_candidate = {c.id: c.success for c in candidate}
    pairs = [(c.success, of_candidate[c.id]) for c in reference if c.id in of_candidate]
    if pairs:
        a, b = (np.array(side, dtype=float) for side in zip(*pairs, strict=True))
        low, high = paired_difference_interval(a, b)
        stderr = float(np.std(b - a, ddof=1) / math.sqrt(len(a))) if len(a) > 1 else None
        method = "newcombe (paired)"
    else:
        a, b = ref, cand
        low, high = _unpaired_interval(a, b)
        stderr = (
            float(math.sqrt(np.var(a, ddof=1) / len(a) + np.var(b, ddof=1) / len(b)))
            if min(len(a), len(b)) > 1
            else None
        )
        method = "newcombe (unpaired)"
    gap = {
        "value": round(float(b.mean() - a.mean()), 4),
        "ci95": [round(low, 4), round(high, 4)],
        "stderr": None if stderr is None else round(stderr, 4),
        "n": len(a) if pairs else len(a) + len(b),
        "paired": bool(pairs),
        "ci_method": method,
    }
    return {"reference": _rate(ref), "candidate": _rate(cand), "gap": gap}
