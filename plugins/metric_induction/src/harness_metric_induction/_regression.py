"""Combine metrics into one composite by regression on human scores (AutoMetrics).

Standardise every metric, fit PLS with one component (or Lasso/Ridge), keep the top-k metrics by
|coefficient|, refit on those, and drop LLM-generated metrics that get a negative weight (refit
after each drop): the composite is `intercept + Σ weight × z-score`, weights in the open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Mapping, Sequence

import numpy as np

Method = Literal["pls", "lasso", "ridge"]


@dataclass(frozen=True)
class Composite:
    """A weighted sum of standardised metrics."""

    weights: dict[str, float]
    intercept: float
    means: dict[str, float]
    scales: dict[str, float]
    method: str
    dropped: list[str] = field(default_factory=list)
    """Generated metrics dropped for a negative weight."""

    def predict(self, columns: Mapping[str, Sequence[float]]) -> np.ndarray:
        """Composite score per row, from each metric's raw values."""
        total = np.full(len(next(iter(columns.values()))), self.intercept, dtype=float)
        for name, weight in self.weights.items():
            total += weight * (np.asarray(columns[name], dtype=float) - self.means[name]) / self.scales[name]
        return total


def fit_composite(
    columns: Mapping[str, Sequence[float]],
    human: Sequence[float],
    *,
    method: Method = "pls",
    top_k: int = 5,
    generated: frozenset[str] = frozenset(),
    seed: int = 0,
) -> Composite:
    """Fit the composite of the given metric columns to the human scores."""
    names = [n for n in columns if np.std(np.asarray(columns[n], dtype=float)) > 0]  # constants carry nothing
    if not names:
        raise ValueError("every metric is constant on the training rows; nothing to fit")
    y = np.asarray(human, dtype=float)
    means = {n: float(np.mean(columns[n])) for n in names}
    scales = {n: float(np.std(columns[n])) for n in names}
    z = {n: (np.asarray(columns[n], dtype=float) - means[n]) / scales[n] for n in names}

    first = _coefficients(np.column_stack([z[n] for n in names]), y, method, seed)
    kept = [names[i] for i in np.argsort(-np.abs(first))[:top_k] if first[i] != 0] or [
        names[int(np.argmax(np.abs(first)))]
    ]
    dropped: list[str] = []
    while True:
        coefs = _coefficients(np.column_stack([z[n] for n in kept]), y, method, seed)
        negative = [n for n, c in zip(kept, coefs, strict=True) if n in generated and c < 0]
        if not negative or len(kept) == 1:
            break
        worst = min(negative, key=lambda n: coefs[kept.index(n)])
        kept.remove(worst)
        dropped.append(worst)
    weights = {n: float(c) for n, c in zip(kept, coefs, strict=True)}
    fitted = sum(weights[n] * z[n] for n in kept)
    return Composite(
        weights, float(np.mean(y - fitted)), {n: means[n] for n in kept}, {n: scales[n] for n in kept}, method, dropped
    )


def _coefficients(x: np.ndarray, y: np.ndarray, method: Method, seed: int) -> np.ndarray:
    if method == "pls":
        from sklearn.cross_decomposition import PLSRegression

        model = PLSRegression(n_components=1, scale=False).fit(x, y)
        return np.asarray(model.coef_, dtype=float).reshape(-1)[: x.shape[1]]
    if method == "lasso":
        from sklearn.linear_model import LassoCV

        return LassoCV(cv=min(5, len(y)), random_state=seed).fit(x, y).coef_
    if method == "ridge":
        from sklearn.linear_model import RidgeCV

        return RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(x, y).coef_
    raise ValueError(f"regression method must be pls, lasso or ridge, got {method!r}")
