"""A run split among workers: shards planned, run by an executor, replaced when a worker dies, merged.

`run_sharded` is what `execute` does when `workers` > 1 or `executor=ray`. The samples (after
`limit`) are split into contiguous shards (`_shards`), each run by a local worker process
(`_workers`) or a Ray task (`_ray`) into `<run dir>/<name>.shards/<k>/`; one progress display
counts them all. When a worker dies, the samples it was running are lost and reported as errors
(or run again, with `retry_on_error`), and the ones it had not started run in a replacement
worker: nothing is dropped silently. The shard logs are then merged into `<run dir>/<name>.eval`.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from harness._errors import HarnessError
from harness.results._digest import SampleDigest
from harness.run._hooks import HookRelay
from harness.run._merge import MergedRun, ShardLog, ShardOutcome
from harness.run._plan import RunPlan
from harness.run._worker import ShardSpec

EXECUTORS = ("local", "ray")


def wants_shards(options: Mapping[str, Any]) -> bool:
    """Whether a run's options ask for workers or Ray (else it runs in this process, as before)."""
    from harness.run._shards import resolve_workers

    return resolve_workers(options.get("workers")) > 1 or options.get("executor", "local") == "ray"


def preflight(options: Mapping[str, Any]) -> None:
    """Check `workers`, `executor` and Ray before the run starts (before its directory is made).

    Raises:
        HarnessError: A bad setting, Ray not installed, or a Ray address that does not answer.
    """
    from harness.run._shards import resolve_workers

    resolve_workers(options.get("workers"))
    executor = options.get("executor", "local")
    if executor not in EXECUTORS:
        raise HarnessError(f"executor must be one of {', '.join(EXECUTORS)}, got '{executor}'")
    if executor == "ray":
        from harness.run._ray import preflight as ray_preflight

        ray_preflight(dict(options.get("ray") or {}))


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

    def in_flight(self, shard: int) -> set[tuple[Any, int]]:
        return self.started.get(shard, set()) - self.finished.get(shard, set())


def run_sharded(
    run: RunPlan,
    run_dir: str,
    run_id: str,
    started: datetime,
    hooks: HookRelay,
    *,
    resume: bool = False,
    disabled: Sequence[str] = (),
) -> MergedRun:
    """Run `run` in shards and return the merged inspect log (written to `run_dir`) with the samples' digests.

    Raises:
        HarnessError: Bad `workers`/`executor` settings, Ray missing or unreachable, or no shard
            wrote a log.
        RunInterrupted: Ctrl-C before any shard wrote a log.
    """
    from harness.run._merge import lost_samples, merge_logs, planned_samples
    from harness.run._shard_progress import ShardProgress
    from harness.run._shards import plan_shards, resolve_workers, sample_range

    options = run.config.options
    executor = options.get("executor", "local")
    backend = _backend(executor, options)
    dataset = run.task.dataset
    shards, notes = plan_shards(run.inspect_args, len(dataset), resolve_workers(options.get("workers")))
    for note in notes:
        print(f"harness: {note}", file=sys.stderr, flush=True)
    start, stop = sample_range(len(dataset), run.inspect_args.get("limit"))
    planned = planned_samples(dataset, start, stop)
    epochs = int(run.inspect_args.get("epochs") or 1)
    name = _log_name(run_dir, run, run_id, started) if resume else _new_log_name(run, run_id, started)
    shards_dir = f"{run_dir}/{name}.shards"
    specs = [
        ShardSpec(
            config=run.config,
            shard=shard,
            run_id=run_id,
            log_dir=f"{shards_dir}/{shard.index}",
            disabled=tuple(disabled),
            forward_samples=hooks.has_implementations("harness_sample_end"),
            resume=resume,
        )
        for shard in shards
    ]
    progress = ShardProgress(options, len(planned) * epochs, len(specs), executor)
    tracker = _Tracker(hooks, run_id, progress)
    try:
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
    finally:
        progress.close()
    readable = [log for log in logs if log is not None]
    if not readable:
        from harness.run._execute import RunInterrupted

        problems = "; ".join(o.problem for o in outcomes if o.problem)
        if interrupted:
            raise RunInterrupted(f"interrupted before any worker wrote a log; nothing was written to {run_dir}")
        raise HarnessError(f"no worker wrote a log ({problems or 'no shard ran'}); see the messages above")
    lost = lost_samples(readable, planned, epochs)
    if lost and not interrupted:
        print(f"harness: {len(lost)} samples were lost with their worker and are reported as errors", file=sys.stderr)
    shards_read = list(zip(outcomes, logs, strict=True))
    return merge_logs(shards_read, planned, f"{run_dir}/{name}.eval", run.inspect_args, tracker.digests)


def _read(outcome: ShardOutcome, tracker: _Tracker) -> ShardLog | None:
    """A shard's log; for a worker that died, without the samples it was running (recovery marks them cancelled)."""
    from harness.run._merge import read_shard

    log = read_shard(outcome)
    if log is not None and outcome.problem:
        log.drop(tracker.in_flight(outcome.index))
    return log


def _backend(executor: str, options: Mapping[str, Any]) -> Any:
    if executor == "ray":
        from harness.run._ray import run_ray

        ray_options = dict(options.get("ray") or {})
        return lambda specs, on_event: run_ray(specs, on_event, ray_options)
    if executor == "local":
        from harness.run._workers import run_local

        return run_local
    raise HarnessError(f"executor must be one of {', '.join(EXECUTORS)}, got '{executor}'")


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
    from harness.run._merge import planned_samples

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
    import re

    task = re.sub(r"[^A-Za-z0-9_.-]+", "-", run.task_name).strip("-")[:60] or "task"
    return f"{started:%Y-%m-%dT%H-%M-%S+00-00}_{task}_{run_id}"


def _log_name(run_dir: str, run: RunPlan, run_id: str, started: datetime) -> str:
    """On resume: the name the run's shards directory already has."""
    found = sorted(Path(run_dir).glob("*.shards"))
    return found[0].name.removesuffix(".shards") if found else _new_log_name(run, run_id, started)
