"""`harness compare BASE NEW`: is NEW better, worse, or not distinguishable from BASE?

Methods (scores per sample, epochs averaged first; read from the logs' sample summaries, so
agent transcripts are never loaded). Paired when both runs scored the same sample ids, else unpaired.
- Interval of the difference of means, labelled in `ci_method`:
  - pass/fail scores (every per-sample value 0 or 1): Newcombe's interval (paired: method 10, the
    Wilson limits of each rate combined with their correlation; unpaired: the hybrid score
    interval; Newcombe 1998). It stays honest at the boundary (0/40 against 0/40), where every
    bootstrap resample agrees.
  - other scores: a BCa bootstrap 95% CI (scipy.stats.bootstrap, 10,000 resamples of sample ids,
    seeded, paired or each run on its own; Efron & Tibshirani 1993). BCa corrects the percentile
    interval's bias and skew, which matters at the small n this interval is used at (it fails pull
    requests). When every resample gives the same difference the interval is that point.
- Standard error: the bootstrap's, or for pass/fail scores the plug-in standard error of the
  difference (paired: of the per-sample differences).
- p-value: paired, for binary scores the exact McNemar test (a binomial test on the discordant
  pairs; McNemar 1947), otherwise the exact sign test on the per-sample differences (ties
  dropped); unpaired, a two-sided permutation test of the difference in means.
Verdict: better / worse when p < alpha (and the CI excludes 0); otherwise no significant difference.
Runs of different tasks or task parameters are not compared unless `allow_different` is given.
Runs whose user seats differ (a person's run against a simulator's on the same samples) are compared
as they are: the difference is then the success gap between the seats (new − base), labelled so.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from harness._errors import ConfigError, ResultsError
from harness.results._digest import digests_of
from harness.results._metrics import sample_values_by_id
from harness.results._record_file import read_record
from harness.results._seats import user_seat
from harness.results._stats import mean_estimate

DRAWS = 10_000
Verdict = Literal["better", "worse", "no significant difference"]


@dataclass(frozen=True)
class Side:
    """One run's score on the compared metric, and who sat in its user seat (None: the task has none)."""

    run_id: str
    model: str
    task: str
    value: float
    ci95: tuple[float, float] | None
    n: int
    user_seat: str | None = None


@dataclass(frozen=True)
class Comparison:
    """The comparison of NEW against BASE on one scorer's per-sample scores."""

    scorer: str
    base: Side
    new: Side
    paired: bool
    difference: float
    ci95: tuple[float, float]
    ci_method: str
    stderr: float
    p_value: float
    test: str
    alpha: float
    verdict: Verdict

    @property
    def seat_gap(self) -> bool:
        """The runs' user seats differ: the difference is the success gap between the seats."""
        return self.base.user_seat != self.new.user_seat

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "seat_gap": self.seat_gap}


def compare_runs(
    base_path: str | Path,
    new_path: str | Path,
    scorer: str | None = None,
    alpha: float = 0.05,
    seed: int = 0,
    allow_different: bool = False,
    lower_is_better: bool = False,
) -> Comparison:
    """Compare two runs (results.json files or their directories) on `scorer` (default: BASE's first).

    Raises:
        ConfigError: The runs are of different tasks or task parameters (unless `allow_different`),
            or the scorer is not in the runs.

    `lower_is_better` is for metrics where less is the improvement (an attack's success rate, a
    dark pattern's effectiveness): the verdict then calls a significant decrease *better*.
        ResultsError: A record or its inspect log cannot be read, or a run has fewer than 2 scored samples.
    """
    base_record, new_record = read_record(base_path), read_record(new_path)
    if not allow_different:
        _check_comparable(base_record, new_record)
    scorer = scorer or (base_record["metrics"][0]["scorer"] if base_record["metrics"] else None)
    if scorer is None:
        raise ResultsError(f"{base_path} has no metrics to compare")
    base_scores, new_scores = _per_sample(base_record, scorer, base_path), _per_sample(new_record, scorer, new_path)
    if len(base_scores) < 2 or len(new_scores) < 2:
        raise ResultsError(f"'{scorer}' needs at least 2 scored samples in each run to compare")
    paired = set(base_scores) == set(new_scores)
    if paired:
        ids = sorted(base_scores, key=str)
        a, b = np.array([base_scores[i] for i in ids]), np.array([new_scores[i] for i in ids])
        p_value, test = _paired_test(a, b)
    else:
        a, b = np.array(list(base_scores.values())), np.array(list(new_scores.values()))
        p_value, test = _unpaired_test(a, b, seed)
    difference = float(b.mean() - a.mean())
    (low, high), stderr, method = difference_interval(a, b, paired, seed)
    significant = p_value < alpha and not (low <= 0 <= high)
    improved = difference < 0 if lower_is_better else difference > 0
    verdict: Verdict = "no significant difference" if not significant else ("better" if improved else "worse")
    return Comparison(
        scorer,
        _side(base_record, a),
        _side(new_record, b),
        paired,
        difference,
        (low, high),
        method,
        stderr,
        p_value,
        test,
        alpha,
        verdict,
    )


def difference_interval(
    a: np.ndarray, b: np.ndarray, paired: bool, seed: int
) -> tuple[tuple[float, float], float, str]:
    """95% CI, standard error and method of mean(b) - mean(a): Newcombe for pass/fail scores, else BCa."""
    if _binary(a, b):
        if paired:
            stderr = float(np.std(b - a, ddof=1) / np.sqrt(len(a)))
            return paired_difference_interval(a, b), stderr, "newcombe (paired)"
        stderr = float(np.sqrt(np.var(a, ddof=1) / len(a) + np.var(b, ddof=1) / len(b)))
        return unpaired_difference_interval(a, b), stderr, "newcombe (unpaired)"
    interval, stderr = _bootstrap_difference(a, b, paired, seed)
    kind = "paired" if paired else "unpaired"
    if interval[0] == interval[1]:
        return interval, stderr, f"bca bootstrap ({kind}; every resample gave this difference)"
    return interval, stderr, f"bca bootstrap ({kind})"


def _bootstrap_difference(a: np.ndarray, b: np.ndarray, paired: bool, seed: int) -> tuple[tuple[float, float], float]:
    """BCa 95% CI and standard error of mean(b) - mean(a); the point itself when every resample agrees."""
    import warnings

    from scipy.stats import bootstrap

    def difference(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.mean(y, axis=axis) - np.mean(x, axis=axis)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # degenerate resamples (all equal) are handled below
        result = bootstrap(
            (a, b),
            difference,
            paired=paired,
            vectorized=True,
            n_resamples=DRAWS,
            method="BCa",
            random_state=np.random.default_rng(seed),
        )
    low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
    stderr = float(result.standard_error)
    if not (np.isfinite(low) and np.isfinite(high)):  # every resample gave one value
        value = float(b.mean() - a.mean())
        low, high, stderr = value, value, 0.0 if not np.isfinite(stderr) else stderr
    return (low, high), stderr


def _binary(a: np.ndarray, b: np.ndarray) -> bool:
    return set(np.unique(np.concatenate([a, b]))) <= {0.0, 1.0}


def paired_difference_interval(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """95% CI of mean(b) - mean(a) for paired pass/fail scores: Newcombe's method 10 (Wilson limits
    of each rate combined with their correlation; Newcombe 1998). Stays honest at the boundary,
    where every resample of a bootstrap agrees."""
    from harness.results._stats import wilson_interval

    n = len(a)
    both = float(((a == 1) & (b == 1)).sum())
    lost = float(((a == 1) & (b == 0)).sum())
    gained = float(((a == 0) & (b == 1)).sum())
    neither = float(n - both - lost - gained)
    p1, p2 = (both + lost) / n, (both + gained) / n
    l1, u1 = wilson_interval(p1, n)
    l2, u2 = wilson_interval(p2, n)
    product = (both + lost) * (gained + neither) * (both + gained) * (lost + neither)
    phi = (both * neither - lost * gained) / np.sqrt(product) if product > 0 else 0.0
    difference = p2 - p1
    below = np.sqrt(max((p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2, 0.0))
    above = np.sqrt(max((u2 - p2) ** 2 - 2 * phi * (u2 - p2) * (p1 - l1) + (p1 - l1) ** 2, 0.0))
    return max(-1.0, difference - float(below)), min(1.0, difference + float(above))


def unpaired_difference_interval(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """95% CI of mean(b) - mean(a) for pass/fail scores of different samples: Newcombe's hybrid score
    interval (method 10 of Newcombe 1998, independent proportions), from each rate's Wilson limits."""
    from harness.results._stats import wilson_interval

    p1, p2 = float(a.mean()), float(b.mean())
    l1, u1 = wilson_interval(p1, len(a))
    l2, u2 = wilson_interval(p2, len(b))
    difference = p2 - p1
    below = np.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    above = np.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return max(-1.0, difference - float(below)), min(1.0, difference + float(above))


def _check_comparable(base: dict[str, Any], new: dict[str, Any]) -> None:
    def identity(record: dict[str, Any]) -> tuple[str, str]:
        args = record["params"].get("task_args") or {}
        return record["task"]["name"], json.dumps(args, sort_keys=True, default=str)

    (base_task, base_args), (new_task, new_args) = identity(base), identity(new)
    if base_task != new_task:
        raise ConfigError(
            f"the runs are of different tasks ('{base_task}' vs '{new_task}'); compare runs of one task, "
            "or pass allow_different=true if that is what you mean"
        )
    if base_args != new_args:
        raise ConfigError(
            f"the runs of '{base_task}' have different task parameters ({base_args} vs {new_args}); "
            "pass allow_different=true to compare them anyway"
        )


def _per_sample(record: dict[str, Any], scorer: str, where: str | Path) -> dict[Any, float]:
    from inspect_ai.log import read_eval_log_sample_summaries

    log_path = record.get("inspect_log")
    if not log_path or not Path(log_path).exists():
        raise ResultsError(f"{where}: its inspect log ({log_path}) is missing; per-sample scores are needed")
    scores = sample_values_by_id(digests_of(read_eval_log_sample_summaries(log_path)), scorer)
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
        record["run_id"],
        record["model"],
        record["task"]["name"],
        float(values.mean()),
        estimate.ci95,
        len(values),
        user_seat(record["params"]),
    )


def format_comparison(c: Comparison, fmt: str) -> str:
    """The comparison as a terminal table, Markdown (for a pull-request comment) or JSON."""
    if fmt == "json":
        return json.dumps(c.to_dict(), indent=2)

    def ci(pair: tuple[float, float] | None) -> str:
        return f"[{pair[0]:.3f}, {pair[1]:.3f}]" if pair else "n/a"

    spread = f" ± {c.stderr:.3f}" if c.stderr > 0 or c.ci95[0] == c.ci95[1] else ""
    seats = f"{c.new.user_seat or 'no user'} − {c.base.user_seat or 'no user'}"
    gap = f"success gap ({seats})" if c.seat_gap else "difference"
    if fmt == "md":
        return _markdown(c, ci, gap, spread)
    seat_width = max(len(_seat(c.base)), len(_seat(c.new)), len("user seat")) + 2
    return "\n".join(
        [
            f"{'':<6}{'run':<14}{'model':<30}{'user seat':<{seat_width}}{'score':>8}  {'95% CI':<18}{'n':>5}",
            *(
                f"{label:<6}{side.run_id:<14}{side.model:<30}{_seat(side):<{seat_width}}{side.value:>8.3f}  "
                f"{ci(side.ci95):<18}{side.n:>5}"
                for label, side in (("base", c.base), ("new", c.new))
            ),
            f"{gap} {c.difference:+.3f}{spread}  95% CI {ci(c.ci95)} ({c.ci_method})  p = {c.p_value:.4g} ({c.test})",
            f"{c.scorer}: {c.verdict} (alpha {c.alpha})",
        ]
    )


def _seat(side: Side) -> str:
    return side.user_seat or "–"


def _markdown(c: Comparison, ci: Any, gap: str, spread: str) -> str:
    icon = {"better": "✅", "worse": "❌"}.get(c.verdict, "➖")
    return "\n".join(
        [
            f"### {icon} `{c.scorer}`: {c.verdict}",
            "",
            "| run | model | user seat | score | 95% CI | n |",
            "|---|---|---|---:|---|---:|",
            *(
                f"| {label} `{side.run_id}` | {side.model} | {_seat(side)} | {side.value:.3f} | "
                f"{ci(side.ci95)} | {side.n} |"
                for label, side in (("base", c.base), ("new", c.new))
            ),
            "",
            f"{gap[0].upper()}{gap[1:]} {c.difference:+.3f}{spread}, 95% CI {ci(c.ci95)} ({c.ci_method}); "
            f"p = {c.p_value:.4g} ({c.test}); α = {c.alpha}.",
        ]
    )
