"""Scoring trajectories with a saved critic, cross-fitted: a trained-on sample id is scored only by its fold's model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ._annotate import Annotation
from ._critic_file import Critic


@dataclass(frozen=True)
class Scored:
    """A trajectory's critic score.

    Attributes:
        annotation: Its annotation.
        probability: P(success) by the critic.
        fold: The cross-fit fold whose model scored it (None: the full model; the critic never saw the sample).
        drivers: Items that moved the score most, as (item, log-odds contribution), largest first.
    """

    annotation: Annotation
    probability: float
    fold: int | None
    drivers: tuple[tuple[str, float], ...]

    @property
    def sample_id(self) -> str:
        """The sample id."""
        return self.annotation.trace.sample_id


def score(critic: Critic, annotation: Annotation, top: int = 3) -> Scored:
    """Score one annotated trajectory."""
    model, fold = critic.model_for(annotation.trace.sample_id)
    contributions = model.contributions(annotation.items)
    drivers = sorted(((n, c) for n, c in contributions.items() if abs(c) > 1e-9), key=lambda nc: -abs(nc[1]))
    return Scored(
        annotation, model.probability(annotation.items), fold, tuple((n, round(c, 4)) for n, c in drivers[:top])
    )


def score_all(critic: Critic, annotations: Sequence[Annotation]) -> list[Scored]:
    """Score annotated trajectories in order."""
    return [score(critic, a) for a in annotations]


def explain(scored: Scored) -> str:
    """One line: the probability, how it was cross-fitted, and the items that drove it."""
    items = scored.annotation.items
    shown = {1: "yes", 0: "no", None: "missing"}
    drivers = ", ".join(f"{n}={shown[items.get(n)]} ({c:+.2f})" for n, c in scored.drivers)
    fitted = f"; cross-fitted (fold {scored.fold})" if scored.fold is not None else ""
    return f"P(success) = {scored.probability:.3f}{fitted}; driven by: {drivers or 'no item away from its mean'}"
