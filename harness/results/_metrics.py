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
its progress display had seen), with a note. A scorer's values are read by `_scored`, one metric's
estimate is made by `_metric_estimate`.
"""

from __future__ import annotations

from typing import Any

from harness.results._digest import SampleDigest
from harness.results._metric_estimate import metric_estimate
from harness.results._scored import pass_fail, scored, scored_values, values_by_id

UNCERTAINTY_METRICS = frozenset({"stderr"})


def metric_records(log: Any, digests: list[SampleDigest]) -> list[dict[str, Any]]:
    """Each metric of each scorer with value, stderr, 95% CI and n (see the module's docstring).

    A run that ended before inspect computed any metric reports each scorer's mean over the scored samples.
    """
    scores = log.results.scores if log.results else []
    keys = [(score.scorer, score.name) for score in scores] or [
        (name, name) for name in sorted({name for d in digests if d.completed for name in d.values})
    ]
    values = {key: scored(log, digests, *key) for key in keys}
    if not scores:
        return [
            {
                "scorer": name,
                "name": "accuracy" if found.binary else "mean",
                **found.mean.to_dict(),
                "note": f"the run ended before inspect computed metrics: mean over the {len(found.by_id)} samples "
                "that completed and were scored, computed by plugeval",
            }
            for (name, _), found in values.items()
            if found.by_id
        ]
    partial = log.status != "success"
    records = []
    for score in scores:
        found = values[(score.scorer, score.name)]
        for name, metric in score.metrics.items():
            if name in UNCERTAINTY_METRICS:
                continue
            record = {
                "scorer": score.name,
                "name": name,
                **metric_estimate(found, name, metric.value, partial).to_dict(),
            }
            if partial:
                record["note"] = (
                    f"the run {'was cancelled' if log.status == 'cancelled' else 'ended in error'}: computed by "
                    f"plugeval over the {len(found.by_id)} samples that completed and were scored"
                )
            records.append(record)
    return records


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
    return pass_fail(scored_values(digests, scorer), bounds)
