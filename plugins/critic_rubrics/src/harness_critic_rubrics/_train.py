"""Training a critic: cross-fitted by sample id, with AUC, calibration and coefficient intervals.

Folds are drawn over sample ids (every epoch and run of a sample on one side, labelled and
unlabelled traces alike), stratified by outcome. Each fold model is fitted without its held-out
sample ids; its predictions on them are the out-of-fold scores from which AUC and calibration are
computed, and it is stored in the critic so that a trained-on sample is later scored only by the
model that never saw it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from harness import ConfigError, wilson_interval

from ._model import Design, LinearCritic, design, fit
from ._stats import auc, figure, group_bootstrap


@dataclass(frozen=True)
class TrainSettings:
    """How to fit: folds, seed, bootstrap resamples (AUC, coefficients), L2 strength, self-training."""

    folds: int = 5
    seed: int = 0
    bootstrap: int = 1000
    coef_bootstrap: int = 200
    c: float = 1.0
    semi_supervised: bool = True
    calibration_bins: int = 5


@dataclass
class Training:
    """A trained critic with its cross-fitted evaluation."""

    full: LinearCritic
    folds: list[LinearCritic]
    design: Design
    groups: list[str]
    labels: np.ndarray
    oof: np.ndarray
    summary: dict[str, Any]


def train(
    rows: Sequence[dict[str, int | None]],
    outcomes: Sequence[int | None],
    groups: Sequence[str],
    names: Sequence[str],
    settings: TrainSettings = TrainSettings(),
) -> Training:
    """Fit a critic on annotated rows (items dicts), outcomes (None = unlabelled) and sample ids.

    Raises:
        ConfigError: Fewer than two labelled sample ids per outcome class.
    """
    labels = np.array([-1 if o is None else int(o) for o in outcomes])
    _check_labels(labels, groups)
    features = design(rows, names)  # no usable item: the critic is the base rate (AUC 0.5), and the summary says so
    fold_of = _fold_assignment(labels, list(groups), settings)
    oof = np.full(len(labels), np.nan)
    fold_models = []
    for k in sorted(set(fold_of.values())):
        held = frozenset(g for g, f in fold_of.items() if f == k)
        test = np.array([g in held for g in groups])
        model = fit(
            features.matrix[~test],
            labels[~test],
            features.items,
            c=settings.c,
            semi_supervised=settings.semi_supervised,
            held_out=held,
        )
        fold_models.append(model)
        oof[test] = [_probability(model, features, int(i)) for i in np.flatnonzero(test)]
    full = fit(features.matrix, labels, features.items, c=settings.c, semi_supervised=settings.semi_supervised)
    training = Training(full, fold_models, features, list(groups), labels, oof, {})
    training.summary = _summary(training, settings)
    return training


def _probability(model: LinearCritic, features: Design, row: int) -> float:
    values = features.matrix[row]
    return model.probability({n: None if np.isnan(v) else int(v) for n, v in zip(features.items, values, strict=True)})


def _check_labels(labels: np.ndarray, groups: Sequence[str]) -> None:
    for value, name in ((1, "successes"), (0, "failures")):
        ids = {g for g, y in zip(groups, labels, strict=True) if y == value}
        if len(ids) < 2:
            raise ConfigError(
                f"the labelled traces have {len(ids)} sample id(s) with {name}; a critic needs at least two with "
                "each outcome (check outcome=/labels=, or add runs)"
            )


def _fold_assignment(labels: np.ndarray, groups: list[str], settings: TrainSettings) -> dict[str, int]:
    from sklearn.model_selection import StratifiedGroupKFold

    n_groups = len(set(groups))
    splits = max(2, min(settings.folds, n_groups))
    splitter = StratifiedGroupKFold(n_splits=splits, shuffle=True, random_state=settings.seed)
    fold_of: dict[str, int] = {}
    with warnings.catch_warnings():  # a class with fewer ids than folds only stratifies less evenly
        warnings.simplefilter("ignore", UserWarning)
        for k, (_, test) in enumerate(splitter.split(np.zeros(len(labels)), labels, groups)):
            fold_of.update({groups[i]: k for i in test})
    return fold_of


def _summary(training: Training, settings: TrainSettings) -> dict[str, Any]:
    labelled = np.flatnonzero(training.labels >= 0)
    y, p = training.labels[labelled], training.oof[labelled]
    groups = [training.groups[i] for i in labelled]
    reps = group_bootstrap(groups, lambda idx: auc(y[idx], p[idx]), settings.bootstrap, settings.seed)
    return {
        "traces": len(training.labels),
        "labelled": int(len(labelled)),
        "unlabelled": int((training.labels < 0).sum()),
        "successes": int(y.sum()),
        "sample_ids": len(set(training.groups)),
        "folds": len(training.folds),
        "semi_supervised": (
            f"self-training (threshold 0.9): {training.full.pseudo_labelled} unlabelled traces pseudo-labelled"
            if settings.semi_supervised
            else "none"
        ),
        "auc": figure(auc(y, p), reps, len(set(groups))),
        "calibration": _calibration(y, p, settings.calibration_bins),
        "coefficients": _coefficients(training, settings),
        "dropped_items": dict(training.design.dropped),
    }


def _calibration(y: np.ndarray, p: np.ndarray, bins: int) -> dict[str, Any]:
    edges = np.linspace(0.0, 1.0, bins + 1)
    table: list[dict[str, Any]] = []
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (p >= low) & ((p < high) if high < 1.0 else (p <= high))
        n = int(inside.sum())
        if n:
            rate = float(y[inside].mean())
            table.append(
                {
                    "bin": [round(low, 2), round(high, 2)],
                    "n": n,
                    "predicted": round(float(p[inside].mean()), 4),
                    "observed": round(rate, 4),
                    "ci95": [round(v, 4) for v in wilson_interval(rate, n)],
                }
            )
    ece = sum(b["n"] * abs(b["predicted"] - b["observed"]) for b in table) / max(1, len(y))
    return {"brier": round(float(np.mean((p - y) ** 2)), 6), "ece": round(float(ece), 6), "bins": table}


def _coefficients(training: Training, settings: TrainSettings) -> dict[str, Any]:
    features, labels = training.design, training.labels
    items = features.items

    def refit(rows: np.ndarray) -> LinearCritic:
        return fit(features.matrix[rows], labels[rows], items, c=settings.c, semi_supervised=settings.semi_supervised)

    replicates: dict[str, list[float]] = {n: [] for n in items}
    if settings.coef_bootstrap:

        def record(rows: np.ndarray) -> float:
            model = refit(rows)
            for name in items:
                replicates[name].append(model.weights[name])
            return 0.0

        group_bootstrap(training.groups, record, settings.coef_bootstrap, settings.seed + 1)
    n = len(set(training.groups))
    return {name: figure(training.full.weights[name], replicates[name], n) for name in items}
