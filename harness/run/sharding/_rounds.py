"""Running a sharded run's shards in rounds: the shards, then replacements for the samples of dead workers.

The events the shards send are taken by a `_tracker.Tracker`. A worker that dies loses the samples
it was running (reported as errors, or run again with `retry_on_error`); the ones it had not started
run in a replacement worker (`_tracker.replacement_shards`): one round of replacements, and one more
per `retry_on_error`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from harness.results._digest import SampleDigest
from harness.run.sharding._shard_log import ShardLog, ShardOutcome, read_shard
from harness.run.sharding._shards import PlannedSample
from harness.run.sharding._tracker import SampleKey, Tracker, replacement_shards
from harness.run.sharding._worker import ShardSpec

Backend = Callable[[Sequence[ShardSpec], Callable[[dict[str, Any]], None]], tuple[list[ShardOutcome], bool]]
"""Runs shards (local processes or Ray tasks); returns how each ended and whether Ctrl-C stopped them."""


@dataclass(frozen=True)
class Rounds:
    """How the shards of every round ended, with their logs (None where a shard left none), in order.

    Attributes:
        interrupted: Ctrl-C stopped the run.
        started: Every sample some worker started.
        digests: The digests the workers reported for the samples they finished.
    """

    outcomes: list[ShardOutcome]
    logs: list[ShardLog | None]
    interrupted: bool
    started: frozenset[SampleKey]
    digests: dict[SampleKey, SampleDigest]


def run_rounds(
    backend: Backend,
    specs: list[ShardSpec],
    tracker: Tracker,
    planned: Sequence[PlannedSample],
    epochs: int,
    retries: int,
    shards_dir: str,
) -> Rounds:
    """Run the shards, then replacements for dead workers' samples: one round, and one more per `retries`.

    Args:
        planned: The samples the whole run covers, in dataset order (range shards cover them in turn).
        shards_dir: Where the shards' log directories are (`<shards_dir>/<shard index>`).
    """
    pending, rounds = specs, 0
    outcomes: list[ShardOutcome] = []
    logs: list[ShardLog | None] = []
    while True:  # a round: run the pending shards, read their logs, plan replacements for dead workers
        ended, interrupted = backend(pending, tracker)
        outcomes = [*outcomes, *ended]
        logs = [*logs, *(_read(o, tracker) for o in ended)]
        if interrupted or rounds > retries:
            break
        pairs = list(zip(pending, ended, strict=True))
        pending = replacement_shards(pairs, outcomes, logs, tracker, planned, epochs, shards_dir, rounds, retries)
        if not pending:
            break
        rounds += 1
    started = frozenset(key for keys in tracker.started.values() for key in keys)
    return Rounds(outcomes, logs, interrupted, started, tracker.digests)


def _read(outcome: ShardOutcome, tracker: Tracker) -> ShardLog | None:
    """A shard's log; for a worker that died, without the samples it was running (recovery marks them cancelled)."""
    log = read_shard(outcome)
    if log is not None and outcome.problem:
        log.drop(tracker.in_flight(outcome.index))
    return log
