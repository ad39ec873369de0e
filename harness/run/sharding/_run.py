"""A run split among workers: shards planned, run by an executor, replaced when a worker dies, merged.

`run_sharded` is what `execute` does when the plan's execution is sharded (`workers` > 1 or
`executor=ray`). The samples (after `limit`) are split into contiguous shards (`_shards`), each
run by a local worker process (`_workers`) or a Ray task (`_ray`) into
`<run dir>/<name>.shards/<k>/`; one progress display counts them all. When a worker dies, the
samples it was running are lost and reported as errors (or run again, with `retry_on_error`),
and the ones it had not started run in a replacement worker (`_rounds`): nothing is dropped
silently. The shard logs are then merged into `<run dir>/<name>.eval`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from harness._errors import HarnessError
from harness.run._hooks import HookRelay
from harness.run._names import RunInterrupted
from harness.run._plan import RunPlan
from harness.run._tuning import Execution
from harness.run.sharding._merge import MergedRun, lost_samples, merge_logs
from harness.run.sharding._progress import ShardProgress
from harness.run.sharding._rounds import Backend, run_rounds
from harness.run.sharding._shards import plan_run
from harness.run.sharding._tracker import Tracker
from harness.run.sharding._worker import ShardSpec


def preflight(execution: Execution) -> None:
    """Check Ray before the run starts (before its directory is made).

    Raises:
        HarnessError: Ray not installed, or a Ray address that does not answer.
    """
    if execution.executor == "ray":
        from harness.run.sharding._ray import preflight as ray_preflight

        ray_preflight(execution.ray)


def run_sharded(
    run: RunPlan,
    run_dir: str,
    run_id: str,
    started: datetime,
    hooks: HookRelay,
    users: Mapping[str, Sequence[Any]] | None = None,
    *,
    resume: bool = False,
) -> MergedRun:
    """Run `run` in shards and return the merged inspect log (written to `run_dir`) with the samples' digests.

    `users` are the run's users' sessions in order (`_session_order.session_users`): each user's
    sessions run in one shard. None for a task without sessions.

    Raises:
        HarnessError: No shard wrote a log.
        RunInterrupted: Ctrl-C before any shard wrote a log.
    """
    execution = run.execution
    name = _log_name(run_dir, run, run_id, started) if resume else _new_log_name(run, run_id, started)
    backend = _backend(execution)
    shards_dir = f"{run_dir}/{name}.shards"
    epochs = int(run.inspect_args.get("epochs") or 1)
    retries = int(run.inspect_args.get("retry_on_error") or 0)
    forward = hooks.has_implementations("harness_sample_end")
    plan = plan_run(run.inspect_args, run.task.dataset, execution.workers, users)
    for note in plan.notes:
        print(f"harness: {note}", file=sys.stderr, flush=True)
    specs = [
        ShardSpec(
            run, shard, run_id, f"{shards_dir}/{shard.index}", forward_samples=forward, resume=resume, only_ids=ids
        )
        for shard, ids in plan.shards
    ]
    progress = ShardProgress(run.inspect_args, len(plan.planned) * epochs, len(specs), execution.executor)
    try:
        rounds = run_rounds(backend, specs, Tracker(hooks, run_id, progress), plan.planned, epochs, retries, shards_dir)
    finally:
        progress.close()
    readable = [log for log in rounds.logs if log is not None]
    if not readable:
        problems = "; ".join(o.problem for o in rounds.outcomes if o.problem)
        if rounds.interrupted:
            raise RunInterrupted(f"interrupted before any worker wrote a log; nothing was written to {run_dir}")
        raise HarnessError(f"no worker wrote a log ({problems or 'no shard ran'}); see the messages above")
    lost = lost_samples(readable, plan.planned, epochs)
    # a sample no worker started is not run (Ctrl-C, or a shard whose eval stopped at an error), never an error
    never_started = [key for key in lost if key not in rounds.started]
    in_flight = len(lost) - len(never_started)
    if in_flight and not rounds.interrupted:
        print(f"harness: {in_flight} samples were lost with their worker and are reported as errors", file=sys.stderr)
    shards_read = list(zip(rounds.outcomes, rounds.logs, strict=True))
    location = f"{run_dir}/{name}.eval"
    return merge_logs(shards_read, plan.planned, location, run.inspect_args, rounds.digests, not_run=never_started)


def _backend(execution: Execution) -> Backend:
    if execution.executor == "ray":
        from harness.run.sharding._ray import run_ray

        return lambda specs, on_event: run_ray(specs, on_event, execution.ray)
    from harness.run.sharding._workers import run_local

    return run_local


def _new_log_name(run: RunPlan, run_id: str, started: datetime) -> str:
    task = re.sub(r"[^A-Za-z0-9_.-]+", "-", run.task_name).strip("-")[:60] or "task"
    return f"{started:%Y-%m-%dT%H-%M-%S+00-00}_{task}_{run_id}"


def _log_name(run_dir: str, run: RunPlan, run_id: str, started: datetime) -> str:
    """On resume: the name the run's shards directory already has."""
    found = sorted(Path(run_dir).glob("*.shards"))
    return found[0].name.removesuffix(".shards") if found else _new_log_name(run, run_id, started)
