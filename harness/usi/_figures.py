"""The figures of the User-Simulation Index, computed for many resamples at once.

Every function takes index arrays of shape (draws, n) into one side's conversations (the identity
for the point estimate, bootstrap draws for the interval) and returns one value per draw.
- D1-D4: per feature, the Dice similarity of the two sides' feature means, 2·min(a, b) / (a + b)
  (1 when both are 0), averaged over the dimension's features, × 100.
- calibration: (1 − ECE) × 100, ECE = Σ_b w_b |success_candidate,b − success_reference,b| over the
  difficulty levels b = 1..5 that both sides have, w_b their share of those conversations.
- eval: (1 − MAE) × 100 of the per-question mean ratings (normalised to [0, 1]) over the questions
  both sides rated.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

DIFFICULTY_LEVELS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class SideArrays:
    """One side's conversations as arrays.

    Attributes:
        features: (n, features), NaN where a feature is undefined.
        success: (n,) 0 or 1.
        difficulty: (n,) 1-5, 0 where unknown.
        ratings: (n, questions) normalised to [0, 1], NaN where not rated; columns are `questions`.
    """

    features: np.ndarray
    success: np.ndarray
    difficulty: np.ndarray
    ratings: np.ndarray


def _nanmean(values: np.ndarray, axis: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices are NaN, which is what we want
        return np.nanmean(values, axis=axis)


def feature_means(side: SideArrays, idx: np.ndarray) -> np.ndarray:
    """(draws, features) means over the drawn conversations."""
    return _nanmean(side.features[idx], axis=1)


def dice(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise Dice similarity of non-negative means: 2·min / sum, 1 where both are 0, NaN if either is."""
    total = a + b
    with np.errstate(invalid="ignore", divide="ignore"):
        similarity = np.where(total > 0, 2 * np.minimum(a, b) / np.where(total > 0, total, 1), 1.0)
    return np.where(np.isnan(total), np.nan, similarity)


def dimension_scores(similarity: np.ndarray, columns: Sequence[int]) -> np.ndarray:
    """(draws,) a dimension's score: its features' mean similarity × 100."""
    return _nanmean(similarity[:, list(columns)], axis=1) * 100


def calibration_scores(ref: SideArrays, cand: SideArrays, idx_r: np.ndarray, idx_c: np.ndarray) -> np.ndarray:
    """(draws,) (1 − ECE) × 100 over the difficulty levels both sides have in each draw; NaN if none."""
    gaps = np.zeros(len(idx_r))
    weights = np.zeros(len(idx_r))
    for level in DIFFICULTY_LEVELS:
        in_r, in_c = ref.difficulty[idx_r] == level, cand.difficulty[idx_c] == level
        n_r, n_c = in_r.sum(axis=1), in_c.sum(axis=1)
        both = (n_r > 0) & (n_c > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate_r = (ref.success[idx_r] * in_r).sum(axis=1) / n_r
            rate_c = (cand.success[idx_c] * in_c).sum(axis=1) / n_c
        weight = np.where(both, n_r + n_c, 0)
        gaps += np.where(both, weight * np.abs(rate_c - rate_r), 0.0)
        weights += weight
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weights > 0, (1 - gaps / np.where(weights > 0, weights, 1)) * 100, np.nan)


def eval_scores(ref: SideArrays, cand: SideArrays, idx_r: np.ndarray, idx_c: np.ndarray) -> np.ndarray:
    """(draws,) (1 − MAE) × 100 of the per-question mean ratings; NaN when no question is rated on both sides."""
    if ref.ratings.shape[1] == 0:
        return np.full(len(idx_r), np.nan)
    mean_r = _nanmean(ref.ratings[idx_r], axis=1)
    mean_c = _nanmean(cand.ratings[idx_c], axis=1)
    return (1 - _nanmean(np.abs(mean_c - mean_r), axis=1)) * 100


@dataclass(frozen=True)
class Pairing:
    """Which conversations pair up by id: matched (reference index, candidate index) and the rest of each side."""

    matched_r: np.ndarray
    matched_c: np.ndarray
    only_r: np.ndarray
    only_c: np.ndarray

    @property
    def matched(self) -> int:
        return len(self.matched_r)


def pairing(reference_ids: Sequence[str], candidate_ids: Sequence[str]) -> Pairing:
    """Pair the two sides' conversations by id."""
    where_c = {conversation_id: i for i, conversation_id in enumerate(candidate_ids)}
    pairs = [(i, where_c[cid]) for i, cid in enumerate(reference_ids) if cid in where_c]
    taken_c = {c for _, c in pairs}
    return Pairing(
        np.array([r for r, _ in pairs], dtype=int),
        np.array([c for _, c in pairs], dtype=int),
        np.array([i for i, cid in enumerate(reference_ids) if cid not in where_c], dtype=int),
        np.array([i for i in range(len(candidate_ids)) if i not in taken_c], dtype=int),
    )


def identity(pair: Pairing) -> tuple[np.ndarray, np.ndarray]:
    """Index arrays (1, n) that take every conversation once: the point estimate."""
    idx_r = np.concatenate([pair.matched_r, pair.only_r])[None, :]
    idx_c = np.concatenate([pair.matched_c, pair.only_c])[None, :]
    return idx_r, idx_c


def resamples(pair: Pairing, draws: int, seed: int, chunk: int = 250) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Bootstrap index arrays in chunks: matched conversations are drawn together (paired), the rest
    of each side on its own, each part keeping its size."""
    rng = np.random.default_rng(seed)
    done = 0
    while done < draws:
        size = min(chunk, draws - done)
        pick = rng.integers(0, max(pair.matched, 1), size=(size, pair.matched))
        own_r = rng.integers(0, max(len(pair.only_r), 1), size=(size, len(pair.only_r)))
        own_c = rng.integers(0, max(len(pair.only_c), 1), size=(size, len(pair.only_c)))
        idx_r = np.concatenate([pair.matched_r[pick], pair.only_r[own_r]], axis=1)
        idx_c = np.concatenate([pair.matched_c[pick], pair.only_c[own_c]], axis=1)
        yield idx_r, idx_c
        done += size
