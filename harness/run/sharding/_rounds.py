"""Running a sharded run's shards in rounds: the shards, then replacements for the samples of dead workers.

The events the shards send are tracked (`Tracker`): which samples each shard started and finished,
for the progress display, for the samples a dead worker was running, and for the `harness_sample_end`
hooks. A worker that dies loses the samples it was running (reported as errors, or run again with
`retry_on_error`); the ones it had not started run in a replacement worker, up to `retry_on_error`
more rounds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from harness.results._digest import SampleDigest
from harness.run._hooks import HookRelay
from harness.run.sharding._shard_log import ShardLog, ShardOutcome, read_shard
from harness.run.sharding._shards import PlannedSample
from harness.run.sharding._worker import ShardSpec

Backend = Callable[[Sequence[ShardSpec], Callable[[dict[str, Any]], None]], tuple[list[ShardOutcome], bool]]
"""Runs shards (local processes or Ray tasks); returns how each ended and whether Ctrl-C stopped them."""

SampleKey = tuple[Any, int]
"""A sample of one epoch: (id, epoch)."""


@dataclass
class Tracker:
    """What the events say each shard has started and finished, for the progress and for lost samples."""

    relay: HookRelay
    run_id: str
    progress: Any
    started: dict[int, set[SampleKey]] = field(default_factory=dict)
    finished: dict[int, set[SampleKey]] = field(default_factory=dict)
    digests: dict[SampleKey, SampleDigest] = field(default_factory=dict)

    def __call__(self, event: dict[str, Any]) -> None:
        shard, kind = int(event.get("shard", 0)), event.get("event")
        key = (event.get("id"), int(event.get("epoch", 1)))
        if kind == "started":
            self.started.setdefault(shard, set()).add(key)
        elif kind == "sample":
            self.finished.setdefault(shard, set()).add(key)
            self.progress.sample_done()
            if "digest" in event:
                self.digests.setdefault(key, SampleDigest(**event["digest"]))
            if "sample" in event:
                from inspect_ai.log import EvalSample

                self.relay.call(
                    "harness_sample_end", run_id=self.run_id, sample=EvalSample.model_validate_json(event["sample"])
                )

    def in_flight(self, shard: int) -> set[SampleKey]:
        return self.started.get(shard, set()) - self.finished.get(shard, set())


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
    """Run the shards, then replacements for dead workers' samples (up to `retries` more rounds).

    Args:
        planned: The samples the whole run covers, in dataset order (range shards cover them in turn).
        shards_dir: Where the shards' log directories are (`<shards_dir>/<shard index>`).
    """
    outcomes, interrupted = backend(specs, tracker)
    logs = [_read(o, tracker) for o in outcomes]
    rounds = 0
    while not interrupted and rounds <= retries:
        replacements = _replacements(specs, outcomes, logs, tracker, planned, epochs, shards_dir, rounds, retries)
        if not replacements:
            break
        more, interrupted = backend(replacements, tracker)
        outcomes = [*outcomes, *more]
        logs = [*logs, *(_read(o, tracker) for o in more)]
        specs = [*specs, *replacements]
        rounds += 1
    started = frozenset(key for keys in tracker.started.values() for key in keys)
    return Rounds(outcomes, logs, interrupted, started, tracker.digests)


def _read(outcome: ShardOutcome, tracker: Tracker) -> ShardLog | None:
    """A shard's log; for a worker that died, without the samples it was running (recovery marks them cancelled)."""
    log = read_shard(outcome)
    if log is not None and outcome.problem:
        log.drop(tracker.in_flight(outcome.index))
    return log


def _replacements(
    specs: Sequence[ShardSpec],
    outcomes: Sequence[ShardOutcome],
    logs: Sequence[ShardLog | None],
    tracker: Tracker,
    planned: Sequence[PlannedSample],
    epochs: int,
    shards_dir: str,
    round_number: int,
    retries: int,
) -> list[ShardSpec]:
    """Workers for the samples of dead workers: all not yet done, less the in-flight ones unless retried."""
    retry = round_number < retries
    present = {(s.id, s.epoch) for log in logs if log is not None for s in log.samples}
    replacements = []
    for spec, outcome in zip(specs, outcomes, strict=True):
        if not outcome.problem or outcome.cancelled:
            continue
        if spec.only_ids is not None:
            ids = list(spec.only_ids)
        else:
            ids = [item.id for item in planned if spec.shard.start <= item.position < spec.shard.stop]
        lost = set() if retry else tracker.in_flight(spec.shard.index)
        todo = [i for i in ids if any((i, e) not in present and (i, e) not in lost for e in range(1, epochs + 1))]
        if todo:
            index = 1000 * (round_number + 1) + spec.shard.index
            shard = replace(spec.shard, index=index)
            replacements.append(
                replace(spec, shard=shard, log_dir=f"{shards_dir}/{index}", only_ids=tuple(todo), resume=False)
            )
    return replacements
