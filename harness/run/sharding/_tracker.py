"""What a sharded run's events say, and what dead workers leave to run again.

The `Tracker` takes every event the shards send: which samples each shard started and finished
(for the progress display, the `harness_sample_end` hooks and the samples a dead worker was
running). `replacement_shards` plans the workers that run what dead workers left: every sample
not yet done, less the ones lost with a dead worker more than `retry_on_error` times.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from harness.results._digest import SampleDigest
from harness.run._hooks import HookRelay
from harness.run.sharding._shard_log import ShardLog, ShardOutcome
from harness.run.sharding._shards import PlannedSample
from harness.run.sharding._worker import ShardSpec

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


def replacement_shards(
    ended: Sequence[tuple[ShardSpec, ShardOutcome]],
    outcomes: Sequence[ShardOutcome],
    logs: Sequence[ShardLog | None],
    tracker: Tracker,
    planned: Sequence[PlannedSample],
    epochs: int,
    shards_dir: str,
    round_number: int,
    retries: int,
) -> list[ShardSpec]:
    """Workers for what the last round's dead workers left: every sample not yet done, less those lost
    with a dead worker more than `retries` times (`retry_on_error`, counted per sample as inspect does).

    Args:
        ended: The last round's shards with how each ended (earlier rounds' dead shards were replaced).
        outcomes: How every shard of every round so far ended (a sample's losses are counted over them).
        logs: Every shard log so far (None where a shard left none).
    """
    present = {(s.id, s.epoch) for log in logs if log is not None for s in log.samples}
    dead = [outcome for outcome in outcomes if outcome.problem and not outcome.cancelled]
    losses = Counter(key for outcome in dead for key in tracker.in_flight(outcome.index))
    replacements = []
    for spec, outcome in ended:
        if not outcome.problem or outcome.cancelled:
            continue
        if spec.only_ids is not None:
            ids = list(spec.only_ids)
        else:
            ids = [item.id for item in planned if spec.shard.start <= item.position < spec.shard.stop]
        todo = [
            i for i in ids if any((i, e) not in present and losses[(i, e)] <= retries for e in range(1, epochs + 1))
        ]
        if todo:
            index = 1000 * (round_number + 1) + spec.shard.index
            shard = replace(spec.shard, index=index)
            replacements.append(
                replace(spec, shard=shard, log_dir=f"{shards_dir}/{index}", only_ids=tuple(todo), resume=False)
            )
    return replacements
