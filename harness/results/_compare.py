"""`harness compare BASE NEW`: is NEW better, worse, or not distinguishable from BASE?

Methods (scores per sample, epochs averaged first):
- Paired, when both runs scored the same sample ids: the difference of means with a paired
  percentile-bootstrap 95% CI (resampling sample ids, 10,000 draws; Efron & Tibshirani 1993).
  p-value: for binary scores the exact McNemar test (a binomial test on the discordant pairs;
  McNemar 1947), otherwise the exact sign test on the per-sample differences (ties dropped).
- Unpaired, otherwise: the difference of means with an unpaired percentile-bootstrap 95% CI
  (each run resampled on its own), and a two-sided p-value from a permutation test of the
  difference in means (scipy.stats.permutation_test, 10,000 permutations).
Verdict: better / worse when p < alpha (and the CI excludes 0); otherwise no significant difference.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from harness._errors import ConfigError, ResultsError
from harness.results._record import read_record, sample_values_by_id
from harness.results._stats import mean_estimate

DRAWS = 10_000
Verdict = Literal["better", "worse", "no significant difference"]


@dataclass(frozen=True)
class Side:
    """One run's score on the compared metric."""

    run_id: str
    model: str
    task: str
    value: float
    ci95: tuple[float, float] | None
    n: int


@dataclass(frozen=True)
class Comparison:
    """The comparison of NEW against BASE on one scorer's per-sample scores."""

    scorer: str
    base: Side
    new: Side
    paired: bool
    difference: float
    ci95: tuple[float, float]
    p_value: float
    test: str
    alpha: float
    verdict: Verdict

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compare_runs(
    base_path: str | Path, new_path: str | Path, scorer: str | None = None, alpha: float = 0.05, seed: int = 0
) -> Comparison:
    """Compare two runs (results.json files or their directories) on `scorer` (default: BASE's first)."""
    base_record, new_record = read_record(base_path), read_record(new_path)
    scorer = scorer or (base_record["metrics"][0]["scorer"] if base_record["metrics"] else None)
    if scorer is None:
        raise ResultsError(f"{base_path} has no metrics to compare")
    base_scores, new_scores = _per_sample(base_record, scorer, base_path), _per_sample(new_record, scorer, new_path)
    if len(base_scores) < 2 or len(new_scores) < 2:
        raise ResultsError(f"'{scorer}' needs at least 2 scored samples in each run to compare")
    rng = np.random.default_rng(seed)
    paired = set(base_scores) == set(new_scores)
    if paired:
        ids = sorted(base_scores, key=str)
        a, b = np.array([base_scores[i] for i in ids]), np.array([new_scores[i] for i in ids])
        picks = rng.integers(0, len(ids), size=(DRAWS, len(ids)))
        draws = (b[picks] - a[picks]).mean(axis=1)
        p_value, test = _paired_test(a, b)
    else:
        a, b = np.array(list(base_scores.values())), np.array(list(new_scores.values()))
        draws = b[rng.integers(0, len(b), size=(DRAWS, len(b)))].mean(axis=1) - a[
            rng.integers(0, len(a), size=(DRAWS, len(a)))
        ].mean(axis=1)
        p_value, test = _unpaired_test(a, b, seed)
    low, high = (float(x) for x in np.percentile(draws, [2.5, 97.5]))
    difference = float(b.mean() - a.mean())
    significant = p_value < alpha and not (low <= 0 <= high)
    verdict: Verdict = "no significant difference" if not significant else ("better" if difference > 0 else "worse")
    return Comparison(
        scorer,
        _side(base_record, a),
        _side(new_record, b),
        paired,
        difference,
        (low, high),
        p_value,
        test,
        alpha,
        verdict,
    )


def _per_sample(record: dict[str, Any], scorer: str, where: str | Path) -> dict[Any, float]:
    from inspect_ai.log import read_eval_log

    log_path = record.get("inspect_log")
    if not log_path or not Path(log_path).exists():
        raise ResultsError(f"{where}: its inspect log ({log_path}) is missing; per-sample scores are needed")
    scores = sample_values_by_id(read_eval_log(log_path).samples or [], scorer)
    if not scores:
        known = sorted({m["scorer"] for m in record["metrics"]})
        raise ConfigError(f"{where}: no per-sample scores for '{scorer}'; scorers in the run: {', '.join(known)}")
    return scores


def _paired_test(a: np.ndarray, b: np.ndarray) -> tuple[float, str]:
    from scipy.stats import binomtest

    if set(np.unique(np.concatenate([a, b]))) <= {0.0, 1.0}:
        gained, lost = int(((a == 0) & (b == 1)).sum()), int(((a == 1) & (b == 0)).sum())
        p = binomtest(gained, gained + lost, 0.5).pvalue if gained + lost else 1.0
        return float(p), f"exact McNemar ({gained} gained, {lost} lost)"
    up, down = int((b > a).sum()), int((b < a).sum())
    p = binomtest(up, up + down, 0.5).pvalue if up + down else 1.0
    return float(p), f"exact sign test ({up} up, {down} down)"


def _unpaired_test(a: np.ndarray, b: np.ndarray, seed: int) -> tuple[float, str]:
    from scipy.stats import permutation_test

    result = permutation_test(
        (b, a), lambda x, y: np.mean(x) - np.mean(y), n_resamples=DRAWS, alternative="two-sided", random_state=seed
    )
    return float(result.pvalue), "permutation test of the difference in means"


def _side(record: dict[str, Any], values: np.ndarray) -> Side:
    estimate = mean_estimate(list(values))
    return Side(
        record["run_id"], record["model"], record["task"]["name"], float(values.mean()), estimate.ci95, len(values)
    )


def format_comparison(c: Comparison, fmt: str) -> str:
    """The comparison as a terminal table, Markdown (for a pull-request comment) or JSON."""
    if fmt == "json":
        return json.dumps(c.to_dict(), indent=2)

    def ci(pair: tuple[float, float] | None) -> str:
        return f"[{pair[0]:.3f}, {pair[1]:.3f}]" if pair else "n/a"

    kind = "paired" if c.paired else "unpaired"
    if fmt == "md":
        icon = {"better": "✅", "worse": "❌"}.get(c.verdict, "➖")
        return "\n".join(
            [
                f"### {icon} `{c.scorer}`: {c.verdict}",
                "",
                "| run | model | score | 95% CI | n |",
                "|---|---|---:|---|---:|",
                f"| base `{c.base.run_id}` | {c.base.model} | {c.base.value:.3f} | {ci(c.base.ci95)} | {c.base.n} |",
                f"| new `{c.new.run_id}` | {c.new.model} | {c.new.value:.3f} | {ci(c.new.ci95)} | {c.new.n} |",
                "",
                f"Difference {c.difference:+.3f}, 95% CI {ci(c.ci95)} ({kind} bootstrap); p = {c.p_value:.4g} "
                f"({c.test}); α = {c.alpha}.",
            ]
        )
    return "\n".join(
        [
            f"{'':<6}{'run':<14}{'model':<30}{'score':>8}  {'95% CI':<18}{'n':>5}",
            f"{'base':<6}{c.base.run_id:<14}{c.base.model:<30}{c.base.value:>8.3f}  {ci(c.base.ci95):<18}{c.base.n:>5}",
            f"{'new':<6}{c.new.run_id:<14}{c.new.model:<30}{c.new.value:>8.3f}  {ci(c.new.ci95):<18}{c.new.n:>5}",
            f"difference {c.difference:+.3f}  95% CI {ci(c.ci95)} ({kind} bootstrap)  p = {c.p_value:.4g} ({c.test})",
            f"{c.scorer}: {c.verdict} (alpha {c.alpha})",
        ]
    )
