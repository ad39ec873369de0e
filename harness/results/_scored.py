"""A scorer's values in a run's samples, read from their digests: the one reading the record's statistics share.

The values are those of the samples (epochs) that ended without an error and have one (`scored_values`):
the means, the pass/fail test, n and the bootstrap's resamples are all computed from them. A scorer
declares the range of its values in its registry metadata (`score_range`, see `_metrics`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from harness.results._digest import SampleDigest
from harness.results._stats import Estimate, mean_estimate

RANGE_METADATA = "score_range"
"""Scorer registry metadata: the range of its values, `(low, high)`, or one per key of dict values."""


def scorer_value(values: dict[str, Any], name: str) -> Any:
    """A sample's value for `name`: a scorer's own value, or one key of a scorer's dict value.

    inspect reports a scorer with dict values and per-key metrics as one score per key.
    """
    if name in values:
        return values[name]
    for value in values.values():
        if isinstance(value, dict) and name in value:
            return value[name]
    return None


def scored_values(digests: Iterable[SampleDigest], scorer: str) -> list[tuple[Any, Any]]:
    """`scorer`'s raw value in each sample (epoch) that ended without an error and has one, as
    (sample id, value) pairs.

    The one reading of a scorer's values that the record's statistics share: the means, the
    pass/fail test, n, and the bootstrap's resamples.
    """
    found = []
    for item in digests:
        value = None if item.error else scorer_value(item.values, scorer)
        if value is not None:
            found.append((item.id, value))
    return found


def values_by_id(scored: Iterable[tuple[Any, Any]]) -> dict[Any, float]:
    """The numeric values of `scored_values` pairs, epochs averaged per sample id.

    Values that are not numbers (dicts, lists) or are NaN ("no score here", e.g. a metric a group's
    other task lacks) are left out.
    """
    from inspect_ai.scorer import value_to_float

    to_float = value_to_float()
    by_id: dict[Any, list[float]] = defaultdict(list)
    for sample_id, value in scored:
        if isinstance(value, (dict, list)):
            continue
        number = float(to_float(value))
        if math.isfinite(number):
            by_id[sample_id].append(number)
    return {sample_id: sum(v) / len(v) for sample_id, v in by_id.items()}


def pass_fail(scored: Iterable[tuple[Any, Any]], bounds: tuple[float, float] | None = None) -> bool:
    """Whether the raw values of `scored_values` pairs are pass/fail: C/I/N letters, booleans, or 0
    and 1 (ints or floats), whichever of the two occur. Values declared on a range other than [0, 1]
    are not (a reward in [-1, 1] that was 0 everywhere)."""
    if bounds not in (None, (0.0, 1.0)):
        return False
    raw = [value for _, value in scored if not isinstance(value, (dict, list))]
    return bool(raw) and all(v in ("C", "I", "N") or isinstance(v, bool) or v in (0, 1) for v in raw)


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


@dataclass(frozen=True)
class Scored:
    """One scorer's values in the samples that ended without an error.

    Attributes:
        pairs: The raw (sample id, value) pairs, one per epoch (`scored_values`).
        by_id: The numeric values, epochs averaged per sample.
        binary: Whether the values are pass/fail.
        mean: The mean of `by_id` with its interval.
    """

    pairs: list[tuple[Any, Any]]
    by_id: dict[Any, float]
    binary: bool
    mean: Estimate


def scored(log: Any, digests: list[SampleDigest], scorer: str, key: str) -> Scored:
    """The values of `key` (`scorer`, or one key of its dict values) in a run's samples, and their mean."""
    bounds = declared_range(log, scorer, key)
    pairs = scored_values(digests, key)
    by_id = values_by_id(pairs)
    binary = pass_fail(pairs, bounds)
    return Scored(pairs, by_id, binary, mean_estimate(list(by_id.values()), binary=binary, bounds=bounds))
