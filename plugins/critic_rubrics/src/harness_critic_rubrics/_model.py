"""The critic's model: logistic regression on rubric items, with self-training on unlabelled traces.

Features are the rubric items (1 present, 0 absent). A missing item (no detector, no parsable
judgment) is imputed with the item's mean over the training rows; items never observed or
constant are left out. Unlabelled traces enter by self-training (scikit-learn's
SelfTrainingClassifier): the model labels the unlabelled traces it is at least `threshold` sure
of, refits, and repeats until no new label passes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

SELF_TRAINING_THRESHOLD = 0.9
"""Predicted probability an unlabelled trace needs before it is pseudo-labelled."""


@dataclass(frozen=True)
class LinearCritic:
    """A fitted logistic model: P(success) = sigmoid(intercept + Σ weight·item).

    Attributes:
        intercept: The intercept (log-odds with every item absent).
        weights: Item → coefficient (log-odds change when the item is present).
        means: Item → training mean, used for a missing item.
        held_out: Sample ids this model never saw (fold models of cross-fitting; empty for the full model).
        pseudo_labelled: Unlabelled traces that self-training labelled.
    """

    intercept: float
    weights: dict[str, float]
    means: dict[str, float]
    held_out: frozenset[str] = frozenset()
    pseudo_labelled: int = 0

    def logit(self, items: dict[str, int | None]) -> float:
        """The log-odds of success for annotated items."""
        total = self.intercept
        for name, weight in self.weights.items():
            value = items.get(name)
            total += weight * (self.means[name] if value is None else float(value))
        return total

    def probability(self, items: dict[str, int | None]) -> float:
        """P(success) for annotated items."""
        return 1.0 / (1.0 + math.exp(-self.logit(items)))

    def contributions(self, items: dict[str, int | None]) -> dict[str, float]:
        """Each item's contribution to the log-odds relative to its training mean (who drove the score)."""
        out = {}
        for name, weight in self.weights.items():
            value = items.get(name)
            out[name] = weight * ((self.means[name] if value is None else float(value)) - self.means[name])
        return out


@dataclass
class Design:
    """Feature matrix of annotated traces: rows × usable items, NaN for missing."""

    items: list[str]
    matrix: np.ndarray
    dropped: dict[str, str] = field(default_factory=dict)


def design(rows: Sequence[dict[str, int | None]], names: Sequence[str]) -> Design:
    """Build the feature matrix; items never observed, or constant, are dropped (with the reason)."""
    raw = np.array([[_value(r.get(n)) for n in names] for r in rows], dtype=float).reshape(len(rows), len(names))
    keep, dropped = [], {}
    for j, name in enumerate(names):
        seen = raw[:, j][~np.isnan(raw[:, j])]
        if seen.size == 0:
            dropped[name] = "never annotated"
        elif np.all(seen == seen[0]):
            dropped[name] = f"constant ({int(seen[0])})"
        else:
            keep.append(j)
    return Design([names[j] for j in keep], raw[:, keep] if keep else np.zeros((len(rows), 0)), dropped)


def fit(
    matrix: np.ndarray,
    labels: np.ndarray,
    items: list[str],
    *,
    c: float = 1.0,
    semi_supervised: bool = True,
    held_out: frozenset[str] = frozenset(),
) -> LinearCritic:
    """Fit on rows with labels 0/1 and, for self-training, rows with label -1 (unlabelled)."""
    from sklearn.linear_model import LogisticRegression

    means_vec = np.array([_nanmean(matrix[:, j]) for j in range(matrix.shape[1])])
    filled = np.where(np.isnan(matrix), means_vec, matrix) if matrix.size else matrix
    labelled = labels >= 0
    classes = set(labels[labelled].tolist())
    means = dict(zip(items, means_vec.tolist(), strict=True))
    if len(classes) < 2 or not items:  # nothing to separate: the base rate
        rate = float(np.clip(labels[labelled].mean() if labelled.any() else 0.5, 1e-3, 1 - 1e-3))
        return LinearCritic(math.log(rate / (1 - rate)), dict.fromkeys(items, 0.0), means, held_out)
    base = LogisticRegression(C=c, solver="newton-cholesky", max_iter=200)
    pseudo = 0
    if semi_supervised and (~labelled).any():
        from sklearn.semi_supervised import SelfTrainingClassifier

        model = SelfTrainingClassifier(base, threshold=SELF_TRAINING_THRESHOLD, max_iter=10)
        model.fit(filled, labels)
        estimator = model.estimator_
        pseudo = int(((model.labeled_iter_ > 0) & ~labelled).sum())
    else:
        estimator = base.fit(filled[labelled], labels[labelled])
    weights = dict(zip(items, (float(w) for w in estimator.coef_[0]), strict=True))
    return LinearCritic(float(estimator.intercept_[0]), weights, means, held_out, pseudo)


def _value(value: int | None) -> float:
    return np.nan if value is None else float(value)


def _nanmean(column: np.ndarray) -> float:
    seen = column[~np.isnan(column)]
    return float(seen.mean()) if seen.size else 0.0


def critic_to_dict(model: LinearCritic) -> dict[str, Any]:
    """A model as plain data (for the critic file)."""
    data: dict[str, Any] = {
        "intercept": round(model.intercept, 6),
        "weights": {k: round(v, 6) for k, v in model.weights.items()},
        "means": {k: round(v, 6) for k, v in model.means.items()},
    }
    if model.held_out:
        data["held_out"] = sorted(model.held_out)
    return data


def critic_from_dict(data: dict[str, Any]) -> LinearCritic:
    """A model from plain data (the critic file)."""
    return LinearCritic(
        float(data["intercept"]),
        {str(k): float(v) for k, v in data["weights"].items()},
        {str(k): float(v) for k, v in data["means"].items()},
        frozenset(str(s) for s in data.get("held_out", [])),
    )
