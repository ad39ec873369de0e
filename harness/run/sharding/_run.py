"""A run split among workers: shards planned, run by an executor, replaced when a worker dies, merged.

`run_sharded` is what `execute` does when the plan's execution is sharded (`workers` > 1 or
`executor=ray`). The samples (after `limit`) are split into contiguous shards (`_shards`), each
run by a local worker process (`_workers`) or a Ray task (`_ray`) into
`<run dir>/<name>.shards/<k>/`; one progress display counts them all. When a worker dies, the
samples it was running are lost and reported as errors (or run again, with `retry_on_error`),
and the ones it had not started run in a replacement worker: nothing is dropped silently. The
shard logs are then merged into `<run dir>/<name>.eval`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from harness._errors import HarnessError
from harness.results._digest import SampleDigest
from harness.run._hooks import HookRelay
from harness.run._names import RunInterrupted
from harness.run._plan import RunPlan
from harness.run._tuning import Execution
from harness.run.sharding._merge import (
    MergedRun,
    ShardLog,
    ShardOutcome,
    lost_samples,
    merge_logs,
    read_shard,
)
from harness.run.sharding._progress import ShardProgress
from harness.run.sharding._shards import plan_run, planned_samples
from harness.run.sharding._worker import ShardSpec

Backend = Callable[[Sequence[ShardSpec], Callable[[dict[str, Any]], None]], tuple[list[ShardOutcome], bool]]
"""Runs shards (local processes or Ray tasks); returns how each ended and whether Ctrl-C stopped them."""


def preflight(execution: Execution) -> None:
    """Check Ray before the run starts (before its directory is made).

    Raises:
        HarnessError: Ray not installed, or a Ray address that does not answer.
    """
    if execution.executor == "ray":
        from harness.run.sharding._ray import preflight as ray_preflight

        ray_preflight(execution.ray)


@dataclass
class _Tracker:
    """What the events say each shard has started and finished, for the progress and for lost samples."""

    relay: HookRelay
    run_id: str
    progress: Any
    started: dict[int, set[tuple[Any, int]]] = field(default_factory=dict)
    finished: dict[int, set[tuple[Any, int]]] = field(default_factory=dict)
    digests: dict[tuple[Any, int], SampleDigest] = field(default_factory=dict)

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

    def ever_started(self, key: tuple[Any, int]) -> bool:
        """Whether any worker started the sample (id, epoch)."""
        return any(key in started for started in self.started.values())

    def in_flight(self, shard: int) -> set[tuple[Any, int]]:
        return self.started.get(shard, set()) - self.finished.get(shard, set())


def run_sharded(
    run: RunPlan, run_dir: str, run_id: str, started: datetime, hooks: HookRelay, *, resume: bool = False
) -> MergedRun:
    """Run `run` in shards and return the merged inspect log (written to `run_dir`) with the samples' digests.

    Raises:
        HarnessError: No shard wrote a log.
        RunInterrupted: Ctrl-C before any shard wrote a log.
    """
    execution = run.execution
    plan = plan_run(run.inspect_args, run.task.dataset, execution.workers)
    for note in plan.notes:
        print(f"harness: {note}", file=sys.stderr, flush=True)
    planned = plan.planned
    epochs = int(run.inspect_args.get("epochs") or 1)
    name = _log_name(run_dir, run, run_id, started) if resume else _new_log_name(run, run_id, started)
    shards_dir = f"{run_dir}/{name}.shards"
    forward = hooks.has_implementations("harness_sample_end")
    specs = [
        ShardSpec(
            run, shard, run_id, f"{shards_dir}/{shard.index}", forward_samples=forward, resume=resume, only_ids=ids
        )
        for shard, ids in plan.shards
    ]
    progress = ShardProgress(run.inspect_args, len(planned) * epochs, len(specs), execution.executor)
    tracker = _Tracker(hooks, run_id, progress)
    try:
        outcomes, logs, interrupted = _run_rounds(_backend(execution), specs, tracker, run, epochs, shards_dir)
    finally:
        progress.close()
    readable = [log for log in logs if log is not None]
    if not readable:
        problems = "; ".join(o.problem for o in outcomes if o.problem)
        if interrupted:
            raise RunInterrupted(f"interrupted before any worker wrote a log; nothing was written to {run_dir}")
        raise HarnessError(f"no worker wrote a log ({problems or 'no shard ran'}); see the messages above")
    lost = lost_samples(readable, planned, epochs)
    # a sample no worker started is not run (Ctrl-C, or a shard whose eval stopped at an error), never an error
    never_started = [key for key in lost if not tracker.ever_started(key)]
    in_flight = len(lost) - len(never_started)
    if in_flight and not interrupted:
        print(f"harness: {in_flight} samples were lost with their worker and are reported as errors", file=sys.stderr)
    shards_read = list(zip(outcomes, logs, strict=True))
    location = f"{run_dir}/{name}.eval"
    return merge_logs(shards_read, planned, location, run.inspect_args, tracker.digests, not_run=never_started)


def _run_rounds(
    backend: Backend, specs: list[ShardSpec], tracker: "_Tracker", run: RunPlan, epochs: int, shards_dir: str
) -> tuple[list[ShardOutcome], list[ShardLog | None], bool]:
    """Run the shards, then replacements for dead workers' samples (up to `retry_on_error` more rounds)."""
    outcomes, interrupted = backend(specs, tracker)
    logs = [_read(o, tracker) for o in outcomes]
    rounds = 0
    while not interrupted and rounds <= int(run.inspect_args.get("retry_on_error") or 0):
        replacements = _replacements(specs, outcomes, logs, tracker, run, epochs, shards_dir, rounds)
        if not replacements:
            break
        more, interrupted = backend(replacements, tracker)
        outcomes = [*outcomes, *more]
        logs = [*logs, *(_read(o, tracker) for o in more)]
        specs = [*specs, *replacements]
        rounds += 1
    return outcomes, logs, interrupted


def _read(outcome: ShardOutcome, tracker: _Tracker) -> ShardLog | None:
    """A shard's log; for a worker that died, without the samples it was running (recovery marks them cancelled)."""
    log = read_shard(outcome)
    if log is not None and outcome.problem:
        log.drop(tracker.in_flight(outcome.index))
    return log


def _backend(execution: Execution) -> Backend:
    if execution.executor == "ray":
        from harness.run.sharding._ray import run_ray

        return lambda specs, on_event: run_ray(specs, on_event, execution.ray)
    from harness.run.sharding._workers import run_local

    return run_local


def _replacements(
    specs: Sequence[ShardSpec],
    outcomes: Sequence[ShardOutcome],
    logs: Sequence[ShardLog | None],
    tracker: _Tracker,
    run: RunPlan,
    epochs: int,
    shards_dir: str,
    round_number: int,
) -> list[ShardSpec]:
    """Workers for the samples of dead workers: all not yet done, less the in-flight ones unless retried."""
    retry = round_number < int(run.inspect_args.get("retry_on_error") or 0)
    present = {(s.id, s.epoch) for log in logs if log is not None for s in log.samples}
    replacements = []
    for spec, outcome in zip(specs, outcomes, strict=True):
        if not outcome.problem or outcome.cancelled:
            continue
        if spec.only_ids is not None:
            ids = list(spec.only_ids)
        else:
            ids = [p.id for p in planned_samples(run.task.dataset, spec.shard.start, spec.shard.stop)]
        lost = set() if retry else tracker.in_flight(spec.shard.index)
        todo = [i for i in ids if any((i, e) not in present and (i, e) not in lost for e in range(1, epochs + 1))]
        if todo:
            index = 1000 * (round_number + 1) + spec.shard.index
            shard = replace(spec.shard, index=index)
            replacements.append(
                replace(spec, shard=shard, log_dir=f"{shards_dir}/{index}", only_ids=tuple(todo), resume=False)
            )
    return replacements


def _new_log_name(run: RunPlan, run_id: str, started: datetime) -> str:
    task = re.sub(r"[^A-Za-z0-9_.-]+", "-", run.task_name).strip("-")[:60] or "task"
    return f"{started:%Y-%m-%dT%H-%M-%S+00-00}_{task}_{run_id}"


def _log_name(run_dir: str, run: RunPlan, run_id: str, started: datetime) -> str:
    """On resume: the name the run's shards directory already has."""
    found = sorted(Path(run_dir).glob("*.shards"))
    return found[0].name.removesuffix(".shards") if found else _new_log_name(run, run_id, started)
