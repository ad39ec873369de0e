"""Splitting one run into shards: contiguous ranges of its samples, with the run's limits divided.

`plan_run` is the one call a sharded run makes: the samples it covers (`PlannedSample`, after
`limit`) and its shards, whole users' sessions for a session task (`plan_user_shards`), else ranges
(`plan_shards`).

A shard is a `(start, stop)` range of dataset positions, which inspect runs as `limit=(start, stop)`:
sample ids stay those of a single-process run (inspect numbers id-less samples by position in the
whole dataset), every epoch of a sample is in the same shard, and selecting the range costs
nothing however large the dataset. The ranges cover the run's samples after `limit`.

Limits that bound the whole run are divided so N workers together use what one process would:
`max_connections` (a provider's rate limit is not multiplied), `max_samples` and `max_sandboxes`.
Without `max_connections`, inspect's adaptive connection limit (at most 100) is divided the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness._errors import ConfigError

ADAPTIVE_MAX = 100
"""inspect's default ceiling of adaptive model connections, divided among workers when no max_connections is set."""

SPLIT_LIMITS = ("max_connections", "max_samples", "max_sandboxes")
"""Run options that bound the whole run and are divided among its shards."""


@dataclass(frozen=True)
class PlannedSample:
    """A dataset sample the run covers: its id (inspect numbers id-less samples by position) and inputs."""

    id: Any
    input: Any
    target: Any
    metadata: Mapping[str, Any] | None
    position: int
    """Its 0-based position in the dataset."""


def planned_samples(dataset: Any, start: int, stop: int) -> list[PlannedSample]:
    """The samples at dataset positions `[start, stop)`, with the ids inspect gives them."""
    planned = []
    for position in range(start, stop):
        sample = dataset[position]
        sample_id = sample.id if sample.id is not None else position + 1
        planned.append(PlannedSample(sample_id, sample.input, sample.target, sample.metadata, position))
    return planned


@dataclass(frozen=True)
class Shard:
    """One worker's part of a run.

    Attributes:
        index: 0-based shard number (its directory is `<run>.shards/<index>`).
        start: First dataset position (0-based, inclusive).
        stop: Last dataset position (exclusive).
        inspect_args: inspect `eval` arguments for this shard: the run's, with `limit` replaced
            by the range and the run-wide limits divided.
    """

    index: int
    start: int
    stop: int
    inspect_args: Mapping[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return self.stop - self.start


def sample_range(dataset_size: int, limit: Any) -> tuple[int, int]:
    """The dataset positions a run covers after `limit` (an int, or `[start, stop]`)."""
    if limit is None:
        return 0, dataset_size
    if isinstance(limit, int):
        return 0, min(limit, dataset_size)
    start, stop = limit
    return min(start, dataset_size), min(stop, dataset_size)


def split_samples(start: int, stop: int, workers: int) -> list[tuple[int, int]]:
    """`workers` contiguous ranges covering `[start, stop)`, sizes differing by at most one."""
    count = stop - start
    base, extra = divmod(count, workers)
    ranges, position = [], start
    for index in range(workers):
        size = base + (1 if index < extra else 0)
        ranges.append((position, position + size))
        position += size
    return ranges


def split_limit(total: int, parts: int) -> list[int]:
    """`total` divided into `parts` positive shares summing to `total` (requires total >= parts)."""
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def plan_shards(inspect_args: Mapping[str, Any], dataset_size: int, workers: int) -> tuple[list[Shard], list[str]]:
    """The shards of a run and notes for the user about how the request was adjusted.

    `workers` is lowered to the number of samples, and to any run-wide limit smaller than it
    (two workers cannot share one connection); each such change is explained in a note.

    Raises:
        ConfigError: The run selects no samples.
    """
    start, stop = sample_range(dataset_size, inspect_args.get("limit"))
    if stop <= start:
        raise ConfigError("the run selects no samples (check limit=...), so there is nothing to split among workers")
    notes = []
    count = workers
    if count > stop - start:
        count = stop - start
        notes.append(f"workers={workers} is more than the {stop - start} samples: using {count} workers")
    for key in SPLIT_LIMITS:
        value = inspect_args.get(key)
        if isinstance(value, int) and value < count:
            notes.append(f"{key}={value} is shared by the workers: using {value} workers, not {count}")
            count = value
    shares = {key: split_limit(inspect_args[key], count) for key in SPLIT_LIMITS if key in inspect_args}
    adaptive = None if "max_connections" in inspect_args else split_limit(max(ADAPTIVE_MAX, count), count)
    shards = []
    for index, (first, last) in enumerate(split_samples(start, stop, count)):
        args = {k: v for k, v in inspect_args.items() if k != "limit"}
        args["limit"] = (first, last)
        for key, values in shares.items():
            args[key] = values[index]
        if adaptive is not None:
            args["adaptive_connections"] = adaptive[index]
        shards.append(Shard(index, first, last, args))
    return shards, notes


def plan_user_shards(
    inspect_args: Mapping[str, Any], users: Mapping[str, Sequence[Any]], workers: int
) -> tuple[list[tuple[Shard, tuple[Any, ...]]], list[str]]:
    """Shards of a session run: whole users, never one user's sessions split, balanced by sample count.

    Returns each shard with the ids of its samples, and notes about how the request was adjusted.
    """
    notes = []
    count = min(workers, len(users))
    if count < workers:
        notes.append(f"workers={workers} is more than the {len(users)} users: using {count} workers")
    for key in SPLIT_LIMITS:
        value = inspect_args.get(key)
        if isinstance(value, int) and value < count:
            notes.append(f"{key}={value} is shared by the workers: using {value} workers, not {count}")
            count = value
    groups: list[list[Any]] = [[] for _ in range(count)]
    for sessions in sorted(users.values(), key=len, reverse=True):  # largest first, into the emptiest shard
        min(groups, key=len).extend(sample.id for sample in sessions)
    shares = {key: split_limit(inspect_args[key], count) for key in SPLIT_LIMITS if key in inspect_args}
    adaptive = None if "max_connections" in inspect_args else split_limit(max(ADAPTIVE_MAX, count), count)
    shards = []
    for index, ids in enumerate(groups):
        args = {k: v for k, v in inspect_args.items() if k != "limit"}
        for key, values in shares.items():
            args[key] = values[index]
        if adaptive is not None:
            args["adaptive_connections"] = adaptive[index]
        shards.append((Shard(index, 0, 0, args), tuple(ids)))
    return shards, notes


@dataclass(frozen=True)
class ShardPlan:
    """A sharded run's samples and how they are split.

    Attributes:
        planned: The samples the run covers (after `limit`), in dataset order.
        shards: Each shard, with the ids of its samples for a session run (whole users), else None
            (a shard of a plain run is its range of positions).
        notes: How the request was adjusted (fewer workers than asked...), for the user.
    """

    planned: list[PlannedSample]
    shards: list[tuple[Shard, tuple[Any, ...] | None]]
    notes: list[str]


def plan_run(
    inspect_args: Mapping[str, Any], dataset: Any, workers: int, users: Mapping[str, Sequence[Any]] | None = None
) -> ShardPlan:
    """The samples of a run and its shards: ranges of samples, or whole users' sessions for a session task
    (`users`: its users' samples in session order, `_session_order.session_users`).

    Raises:
        ConfigError: The run selects no samples.
    """
    planned = planned_samples(dataset, *sample_range(len(dataset), inspect_args.get("limit")))
    if users is not None:
        by_user, notes = plan_user_shards(inspect_args, users, workers)
        return ShardPlan(planned, [(shard, ids) for shard, ids in by_user], notes)
    ranges, notes = plan_shards(inspect_args, len(dataset), workers)
    return ShardPlan(planned, [(shard, None) for shard in ranges], notes)
