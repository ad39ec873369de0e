"""`compute_usi`: how far a candidate set of conversations (a simulator's) is from a reference set (people's).

The result is the `usi.json` document (schema `harness/schemas/usi.schema.json`). Intervals are
percentile bootstrap 95% CIs over conversations (`draws` resamples, seeded): conversations whose
id is in both sets are drawn as pairs, the others within their own set. A figure without data is
`null` in `dimensions`, with its reason in `not_measured`; the USI then averages the figures that
exist and names them in `covers`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import harness.usi._figures as f
from harness.usi._conversations import Conversation, UsiInputError
from harness.usi._features import DIMENSIONS, FEATURES, feature_matrix
from harness.usi._success import success_block

COMPONENTS = (*DIMENSIONS, "calibration", "eval")
"""The figures the USI averages, in order."""

DEFAULT_DRAWS = 2000


def side_arrays(
    conversations: Sequence[Conversation], questions: Sequence[str], scale: tuple[float, float]
) -> f.SideArrays:
    """One side's conversations as the arrays the figures are computed on (ratings normalised by `scale`)."""
    low, high = scale
    ratings = np.full((len(conversations), len(questions)), np.nan)
    for row, conversation in enumerate(conversations):
        for column, question in enumerate(questions):
            if question in conversation.ratings:
                ratings[row, column] = min(max((conversation.ratings[question] - low) / (high - low), 0.0), 1.0)
    return f.SideArrays(
        features=feature_matrix(conversations),
        success=np.array([c.success for c in conversations], dtype=float),
        difficulty=np.array([c.difficulty or 0 for c in conversations], dtype=int),
        ratings=ratings,
    )


def _columns() -> dict[str, list[int]]:
    return {key: [i for i, feature in enumerate(FEATURES) if feature.dimension == key] for key in DIMENSIONS}


def _all_figures(
    ref: f.SideArrays, cand: f.SideArrays, idx_r: np.ndarray, idx_c: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every figure for each draw, and the per-feature similarity (draws, features)."""
    similarity = f.dice(f.feature_means(ref, idx_r), f.feature_means(cand, idx_c))
    figures = {key: f.dimension_scores(similarity, columns) for key, columns in _columns().items()}
    figures["calibration"] = f.calibration_scores(ref, cand, idx_r, idx_c)
    figures["eval"] = f.eval_scores(ref, cand, idx_r, idx_c)
    return figures, similarity * 100


def _not_measured(
    reference: Sequence[Conversation], candidate: Sequence[Conversation], questions: list[str]
) -> dict[str, str]:
    reasons = {}
    levels_r = {c.difficulty for c in reference if c.difficulty}
    levels_c = {c.difficulty for c in candidate if c.difficulty}
    if not levels_r or not levels_c:
        unlevelled = "reference" if not levels_r else "candidate"
        reasons["calibration"] = f"no {unlevelled} conversation has a difficulty (1-5)"
    elif not levels_r & levels_c:
        reasons["calibration"] = "no difficulty level has conversations in both sets"
    if not questions:
        rated_r, rated_c = any(c.ratings for c in reference), any(c.ratings for c in candidate)
        unrated = "reference" if not rated_r else "candidate" if not rated_c else None
        reasons["eval"] = (
            f"no {unrated} conversation has survey ratings" if unrated else "no survey question rated in both sets"
        )
    return reasons


def _estimate(point: float, draws: np.ndarray) -> dict[str, Any]:
    kept = draws[~np.isnan(draws)]
    interval = [round(float(bound), 4) for bound in np.percentile(kept, [2.5, 97.5])] if len(kept) else None
    return {
        "value": round(float(point), 4),
        "ci95": interval,
        "stderr": round(float(np.std(kept, ddof=1)), 4) if len(kept) > 1 else None,
    }


def compute_usi(
    reference: Sequence[Conversation],
    candidate: Sequence[Conversation],
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    rating_scale: tuple[float, float] = (1.0, 5.0),
) -> dict[str, Any]:
    """The User-Simulation Index of `candidate` against `reference`, as the `usi.json` document.

    Args:
        reference: The people's conversations (or any set taken as the reference).
        candidate: The simulator's conversations.
        draws: Bootstrap resamples for the 95% CIs.
        seed: Seed of the resampling.
        rating_scale: The survey scale (low, high), mapped to [0, 1].

    Raises:
        UsiInputError: A set is empty or has no user turn.
    """
    for name, conversations in (("reference", reference), ("candidate", candidate)):
        if not conversations:
            raise UsiInputError(f"the {name} set has no conversations; it needs at least one with user turns")
        if not any(c.user_texts for c in conversations):
            raise UsiInputError(f"the {name} set has no user turn; USI measures the user seat's turns")
    rated_r = {q for c in reference for q in c.ratings}
    questions = sorted(rated_r & {q for c in candidate for q in c.ratings})
    ref = side_arrays(reference, questions, rating_scale)
    cand = side_arrays(candidate, questions, rating_scale)
    pair = f.pairing([c.id for c in reference], [c.id for c in candidate])
    point, point_similarity = _all_figures(ref, cand, *f.identity(pair))
    chunks = [_all_figures(ref, cand, idx_r, idx_c) for idx_r, idx_c in f.resamples(pair, draws, seed)]
    boot = {key: np.concatenate([c[0][key] for c in chunks]) for key in COMPONENTS}
    boot_similarity = np.concatenate([c[1] for c in chunks])
    reasons = _not_measured(reference, candidate, questions)
    for key in COMPONENTS:
        if key not in reasons and math.isnan(point[key][0]):
            reasons[key] = "no feature of this dimension is defined on both sides"
    covers = [key for key in COMPONENTS if key not in reasons]
    usi_point = float(np.mean([point[key][0] for key in covers]))
    usi_draws = np.nanmean(np.stack([boot[key] for key in covers]), axis=0)
    return {
        "schema_version": 1,
        "usi": {**_estimate(usi_point, usi_draws), "covers": covers},
        "dimensions": _dimensions(point, boot, reasons, ref, cand, pair, questions),
        "not_measured": reasons,
        "features": _features(ref, cand, point_similarity[0], boot_similarity),
        "success": success_block(reference, candidate),
        "n": _counts(reference, candidate, pair.matched, draws, questions),
        "settings": {
            "draws": draws,
            "seed": seed,
            "rating_scale": list(rating_scale),
            "ci_method": "percentile bootstrap",
        },
    }


def _dimensions(
    point: dict[str, np.ndarray],
    boot: dict[str, np.ndarray],
    reasons: dict[str, str],
    ref: f.SideArrays,
    cand: f.SideArrays,
    pair: f.Pairing,
    questions: list[str],
) -> dict[str, Any]:
    names = {**DIMENSIONS, "calibration": "success calibration over difficulty", "eval": "agreement of survey ratings"}
    out: dict[str, Any] = {}
    for key in COMPONENTS:
        if key in reasons:
            out[key] = None
            continue
        out[key] = {"name": names[key], **_estimate(point[key][0], boot[key])}
        if key in DIMENSIONS:
            out[key]["features"] = [feature.name for feature in FEATURES if feature.dimension == key]
    if out["calibration"] is not None:
        out["calibration"]["ece"] = round(1 - out["calibration"]["value"] / 100, 4)
        out["calibration"]["levels"] = _levels(ref, cand, *f.identity(pair))
    if out["eval"] is not None:
        out["eval"]["mae"] = round(1 - out["eval"]["value"] / 100, 4)
        out["eval"]["questions"] = {
            q: {"reference": _mean(ref.ratings[:, i]), "candidate": _mean(cand.ratings[:, i])}
            for i, q in enumerate(questions)
        }
    return out


def _mean(values: np.ndarray) -> float | None:
    kept = values[~np.isnan(values)]
    return round(float(kept.mean()), 4) if len(kept) else None


def _levels(ref: f.SideArrays, cand: f.SideArrays, idx_r: np.ndarray, idx_c: np.ndarray) -> list[dict[str, Any]]:
    rows = []
    for level in f.DIFFICULTY_LEVELS:
        in_r, in_c = ref.difficulty == level, cand.difficulty == level
        rows.append(
            {
                "difficulty": level,
                "n_reference": int(in_r.sum()),
                "n_candidate": int(in_c.sum()),
                "success_reference": _mean(np.where(in_r, ref.success, np.nan)),
                "success_candidate": _mean(np.where(in_c, cand.success, np.nan)),
            }
        )
    return rows


def _features(ref: f.SideArrays, cand: f.SideArrays, similarity: np.ndarray, boot: np.ndarray) -> dict[str, Any]:
    out = {}
    for i, feature in enumerate(FEATURES):
        std_r, std_c = _std(ref.features[:, i]), _std(cand.features[:, i])
        out[feature.name] = {
            "dimension": feature.dimension,
            "description": feature.description,
            "reference": {"mean": _mean(ref.features[:, i]), "std": std_r},
            "candidate": {"mean": _mean(cand.features[:, i]), "std": std_c},
            "similarity": None if math.isnan(similarity[i]) else _estimate(similarity[i], boot[:, i]),
            "dispersion_ratio": round(std_c / std_r, 4) if std_r and std_c is not None else None,
        }
    return out


def _std(values: np.ndarray) -> float | None:
    kept = values[~np.isnan(values)]
    return round(float(np.std(kept, ddof=1)), 4) if len(kept) > 1 else None


def _counts(
    reference: Sequence[Conversation], candidate: Sequence[Conversation], matched: int, draws: int, questions: list[str]
) -> dict[str, Any]:
    return {
        "reference": len(reference),
        "candidate": len(candidate),
        "matched": matched,
        "with_difficulty": {
            "reference": sum(1 for c in reference if c.difficulty),
            "candidate": sum(1 for c in candidate if c.difficulty),
        },
        "rated": {
            "reference": sum(1 for c in reference if set(c.ratings) & set(questions)),
            "candidate": sum(1 for c in candidate if set(c.ratings) & set(questions)),
        },
        "questions": len(questions),
        "draws": draws,
    }
