"""Uncertainty: percentile bootstrap over sample ids (the independent units), reported as value, stderr, ci95, n."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np


def figure(value: float, replicates: Sequence[float] | np.ndarray, n: int) -> dict[str, Any]:
    """A reported figure: the value, the bootstrap standard error and 95% percentile interval, and n."""
    reps = np.asarray(replicates, dtype=float)
    reps = reps[~np.isnan(reps)]
    if reps.size < 2:
        return {"value": round(float(value), 6), "stderr": None, "ci95": None, "n": n}
    low, high = np.percentile(reps, [2.5, 97.5])
    return {
        "value": round(float(value), 6),
        "stderr": round(float(reps.std(ddof=1)), 6),
        "ci95": [round(float(low), 6), round(float(high), 6)],
        "n": n,
    }


def group_bootstrap(
    groups: Sequence[str], statistic: Callable[[np.ndarray], float], resamples: int, seed: int = 0
) -> np.ndarray:
    """`statistic(row_indices)` over resamples of whole groups (all rows of a drawn sample id, repeats kept).

    A statistic that cannot be computed on a resample (e.g. AUC with one class) returns NaN.
    """
    rng = np.random.default_rng(seed)
    names = sorted(set(groups))
    rows_of: dict[str, list[int]] = {g: [] for g in names}
    for index, group in enumerate(groups):
        rows_of[group].append(index)
    members = [np.array(rows_of[g]) for g in names]
    out = np.empty(resamples)
    for r in range(resamples):
        drawn = rng.integers(0, len(names), len(names))
        out[r] = statistic(np.concatenate([members[d] for d in drawn]))
    return out


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC by the Mann-Whitney rank statistic (ties count half); NaN when only one class is present.

    The same number as scikit-learn's roc_auc_score, without its input checks (it runs once per bootstrap resample).
    """
    from scipy.stats import rankdata

    positives = int(labels.sum())
    negatives = len(labels) - positives
    if not positives or not negatives:
        return float("nan")
    ranks = rankdata(scores)
    return float((ranks[labels == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def bounded_figure(values: np.ndarray, draws: np.ndarray) -> dict[str, Any]:
    """The mean of per-sample values in [0, 1] with a bootstrap over samples (`draws`: resamples × n indices).

    When every value is the same the bootstrap interval has no width; a rate then gets the Wilson
    interval of its mean over n samples instead (a bounded figure never shows a zero-width interval).
    """
    from harness import wilson_interval

    n = len(values)
    result = figure(values.mean(), values[draws].mean(axis=1), n)
    if result["ci95"] is not None and result["ci95"][0] == result["ci95"][1]:
        result["ci95"] = [round(v, 6) for v in wilson_interval(float(values.mean()), n)]
        result["ci_method"] = "wilson (every sample has the same value)"
    return result
