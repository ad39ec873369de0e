"""A record's metrics: each metric of each scorer with value, stderr, 95% CI and n, all from the same scored samples.

The scored samples are those that ended without an error and with a value for the scorer; their
values (epochs averaged per sample) give n and the interval. Interval methods:
- Pass/fail values (booleans, C/I/N, 0/1 ints or floats, whatever the metric is called): Wilson,
  also when only one outcome occurs and at n = 1 (`_stats.mean_estimate`).
- Other means (`accuracy`, `mean`): Student's t, or Hoeffding's interval over the scorer's declared
  range when every sample has the same value (none without a declared range).
- Other metrics (precision, F1...): a percentile bootstrap re-running the metric on resampled
  samples; no interval when it cannot be re-run or every resample gives one value.
A scorer declares its range in its registry metadata: `@scorer(metrics=[mean()], score_range=(0, 10))`,
or a range per key for dict-valued scores (`score_range={"steps": (0, 50)}`).

Values: a finished run keeps inspect's. A run that was cancelled or ended in error reports the
values computed here over the scored samples, never inspect's partial ones (computed over what
its progress display had seen), with a note.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from harness.results._digest import SampleDigest, pass_fail, scored_values, values_by_id
from harness.results._stats import Estimate, mean_estimate

MEAN_METRICS = frozenset({"accuracy", "mean"})
UNCERTAINTY_METRICS = frozenset({"stderr"})
RANGE_METADATA = "score_range"


def metric_records(log: Any, digests: list[SampleDigest]) -> list[dict[str, Any]]:
    """Each metric of each scorer with value, stderr, 95% CI and n (see the module's docstring)."""
    scores = log.results.scores if log.results else []
    if not scores:
        return _scored_sample_means(log, digests)
    partial = log.status != "success"
    records = []
    for score in scores:
        scored = _scored(log, digests, score.scorer, score.name)
        for name, metric in score.metrics.items():
            if name in UNCERTAINTY_METRICS:
                continue
            found = _metric(scored, name, metric.value, partial)
            record = {"scorer": score.name, "name": name, **found.to_dict()}
            if partial:
                record["note"] = (
                    f"the run {'was cancelled' if log.status == 'cancelled' else 'ended in error'}: computed by "
                    f"plugeval over the {len(scored.by_id)} samples that completed and were scored"
                )
            records.append(record)
    return records


@dataclass(frozen=True)
class _Scored:
    """One scorer's values in the samples that ended without an error.

    Attributes:
        pairs: The raw (sample id, value) pairs, one per epoch (`_digest.scored_values`).
        by_id: The numeric values, epochs averaged per sample.
        binary: Whether the values are pass/fail.
        mean: The mean of `by_id` with its interval.
    """

    pairs: list[tuple[Any, Any]]
    by_id: dict[Any, float]
    binary: bool
    mean: Estimate


def _scored(log: Any, digests: list[SampleDigest], scorer: str, key: str) -> _Scored:
    """The values of `key` (a scorer, or one key of a scorer's dict values) and their mean."""
    bounds = declared_range(log, scorer, key)
    pairs = scored_values(digests, key)
    by_id = values_by_id(pairs)
    binary = bounds in (None, (0.0, 1.0)) and pass_fail(pairs)  # a reward declared on [-1, 1] is not pass/fail
    return _Scored(pairs, by_id, binary, mean_estimate(list(by_id.values()), binary=binary, bounds=bounds))


def _metric(scored: _Scored, name: str, reported: Any, partial: bool) -> Estimate:
    """One metric's estimate: the mean's, a proportion's, or a bootstrap's over the scored samples
    (`reported`: the metric's value in inspect's results)."""
    from harness.results._metric_bootstrap import bootstrap_estimate, metric_value

    value, estimate = _number(reported), scored.mean
    if partial:
        value = estimate.value if name in MEAN_METRICS else metric_value(scored.pairs, name)
    is_mean = name in MEAN_METRICS or (
        scored.binary and value is not None and estimate.value is not None and math.isclose(value, estimate.value)
    )
    if is_mean and estimate.n:
        return replace(estimate, value=value)  # the metric's own value, the mean's interval
    n = len({sample_id for sample_id, _ in scored.pairs})
    found = bootstrap_estimate(scored.pairs, name, value) if value is not None else None
    if found is None or found.ci95 is None or (found.ci95[0] == found.ci95[1] and n > 1):
        return Estimate(value, found.stderr if found else None, None, n, "unavailable")
    return found


def _scored_sample_means(log: Any, digests: list[SampleDigest]) -> list[dict[str, Any]]:
    """A run without inspect metrics (it ended before any): each scorer's mean over the scored samples."""
    records = []
    for name in sorted({name for d in digests if d.completed for name in d.values}):
        scored = _scored(log, digests, name, name)
        if not scored.by_id:
            continue
        records.append(
            {
                "scorer": name,
                "name": "accuracy" if scored.binary else "mean",
                **scored.mean.to_dict(),
                "note": f"the run ended before inspect computed metrics: mean over the {len(scored.by_id)} samples "
                "that completed and were scored, computed by plugeval",
            }
        )
    return records


def declared_range(log: Any, scorer: str, key: str) -> tuple[float, float] | None:
    """The range a scorer declares for its values (or for `key` of its dict values), if any."""
    for spec in getattr(log.eval, "scorers", None) or []:
        if spec.name.rsplit("/", 1)[-1] != scorer.rsplit("/", 1)[-1]:
            continue
        declared = (spec.metadata or {}).get(RANGE_METADATA)
        if isinstance(declared, dict):
            declared = declared.get(key)
        try:
            low, high = (float(v) for v in declared)  # type: ignore[union-attr]
        except (TypeError, ValueError):
            return None
        return (low, high) if low < high else None
    return None


def sample_values_by_id(digests: list[SampleDigest], scorer: str) -> dict[Any, float]:
    """Each scored sample's value for `scorer` (epochs averaged), keyed by sample id.

    Samples that ended in an error, and values that are not numbers (or NaN: "no score here", e.g. a
    metric a group's other task lacks), are left out.
    """
    return values_by_id(scored_values(digests, scorer))


def binary_scores(digests: list[SampleDigest], scorer: str, bounds: tuple[float, float] | None = None) -> bool:
    """Whether a scorer's raw values are pass/fail: C/I/N letters, booleans, or 0 and 1 (ints or floats),
    whichever of the two occur. A scorer that declares a range other than [0, 1] is not pass/fail
    (a reward in [-1, 1] that was 0 everywhere)."""
    return bounds in (None, (0.0, 1.0)) and pass_fail(scored_values(digests, scorer))


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is not a score
