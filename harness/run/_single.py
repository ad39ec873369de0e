"""A run's samples executed in this process: one call of inspect's `eval`, with the harness's hooks.

Each finished sample is digested for the results record as it ends (the hook that forwards
samples sees every one), so a finished run's record needs no second read of its log; a resumed
or stopped run's record reads the log, which also holds the samples of the earlier attempt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.run._hooks import HookRelay
from harness.run._inspect_call import call_eval
from harness.run._logs import newest_log, read_log
from harness.run._names import RUN_ID_METADATA, RunInterrupted
from harness.run._plan import RunPlan
from harness.run._progress import run_progress
from harness.run._sample_events import forwarding
from harness.run._sessions import scheduled


def run_in_process(
    run: RunPlan,
    run_dir: Path,
    run_id: str,
    hooks: HookRelay,
    users: Mapping[str, Sequence[Any]] | None = None,
    *,
    resume: bool = False,
) -> tuple[Any, list[Any] | None]:
    """Run the plan here into `run_dir`: its log, and its samples' digests when they were all seen.

    `users` are the run's users' sessions in order (`_session_order.session_users`), None without.

    The caller names the run's containers (`sandbox_run_id`), as it does for a sharded run.

    Raises:
        HarnessError: inspect could not start.
        RunInterrupted: Ctrl-C before inspect wrote any log.
    """
    from harness.run._resume import partial_log, previous_task, retire_previous_log

    previous = partial_log(run_dir) if resume else None
    digests: list[Any] = []
    with (
        forwarding(hooks, lambda task, model: run_id, None if resume else digests),
        run_progress(run.inspect_args),
        scheduled(run.task, run.inspect_args, run.user_memory, users) as (task, args),
    ):
        try:
            logs = call_eval(
                task if previous is None else previous_task(previous, task),
                solver=run.solver,
                model=run.model,
                model_args=run.model_args,
                model_roles=run.model_roles,
                log_dir=str(run_dir),
                metadata={RUN_ID_METADATA: run_id},
                args=args,
            )
        except KeyboardInterrupt:
            logs = []
    # Ctrl-C: inspect has cancelled the run and written the log of what finished, but returns no log
    log = logs[0] if logs else _log_left_in(run_dir)
    if previous is not None:
        retire_previous_log(previous.location, log.location)
    complete = not resume and log.status == "success" and log.results is not None
    if complete and len(digests) == log.results.total_samples:
        return log, digests
    return log, None


def _log_left_in(run_dir: Path) -> Any:
    """The log inspect left in `run_dir` after a cancelled run, read whole."""
    location = newest_log(str(run_dir)) if run_dir.exists() else None
    if location is None:
        raise RunInterrupted(f"interrupted before the first sample finished; nothing was written to {run_dir}")
    return read_log(location)
