"""Attempts of the same samples (epochs of one run, or several runs), as a samples × attempts table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from harness import ConfigError

from ._scoring import Scored


@dataclass(frozen=True)
class AttemptTable:
    """Critic scores and outcomes of N attempts per sample, in attempt order (run order, then epoch).

    Attributes:
        sample_ids: Row labels.
        scores: samples × N critic probabilities.
        outcomes: samples × N outcomes (0/1).
        cross_fitted: Samples scored by a cross-fit fold model (the critic was trained on them).
        left_out: Samples left out, with why (too few scored attempts).
    """

    sample_ids: list[str]
    scores: np.ndarray
    outcomes: np.ndarray
    cross_fitted: int
    left_out: dict[str, str]

    @property
    def attempts(self) -> int:
        """N, attempts per sample."""
        return int(self.scores.shape[1])


def attempt_table(scored: Sequence[Scored], outcomes: Sequence[int | None], minimum: int = 2) -> AttemptTable:
    """Group scored trajectories by sample id; every sample keeps its first N attempts, N the smallest count.

    Attempts without an outcome (errored samples) are dropped first.

    Raises:
        ConfigError: Fewer than `minimum` attempts per sample (a run without the needed epochs).
    """
    runs = {s.annotation.trace.run: n for n, s in reversed(list(enumerate(scored)))}
    by_sample: dict[str, list[tuple[tuple[int, int], float, int]]] = defaultdict(list)
    fitted = set()
    for item, outcome in zip(scored, outcomes, strict=True):
        if outcome is None:
            continue
        trace = item.annotation.trace
        by_sample[trace.sample_id].append(((runs[trace.run], trace.epoch), item.probability, int(outcome)))
        if item.fold is not None:
            fitted.add(trace.sample_id)
    counts = {sid: len(rows) for sid, rows in by_sample.items()}
    usable = {sid: n for sid, n in counts.items() if n >= minimum}
    if not usable:
        most = max(counts.values(), default=0)
        raise ConfigError(
            f"every sample has at most {most} scored attempt(s); this needs at least {minimum} per sample: "
            "run the task with epochs=N (N >= 2), or give N runs of the same samples (runs=DIR1,DIR2,...)"
        )
    n = min(usable.values())
    left_out = {sid: f"{c} attempt(s)" for sid, c in counts.items() if c < minimum}
    ids = sorted(usable)
    rows = [sorted(by_sample[sid])[:n] for sid in ids]
    return AttemptTable(
        ids,
        np.array([[r[1] for r in row] for row in rows]),
        np.array([[r[2] for r in row] for row in rows]),
        len(fitted & set(ids)),
        left_out,
    )
