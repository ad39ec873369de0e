"""Where a run's samples run: in this process (`_single`) or split among workers or Ray tasks
(`sharding`), as the plan's execution says, their containers named after the run either way.
The run's users' sessions, if it has any, are put in order here once, for either way."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from harness.run._hooks import HookRelay
from harness.run._names import sandbox_run_id
from harness.run._plan import RunPlan
from harness.run._session_order import session_users
from harness.run._single import run_in_process
from harness.run.sharding._run import run_sharded


def run_samples(
    run: RunPlan, run_dir: Path, run_id: str, started: datetime, hooks: HookRelay, *, resumed: bool
) -> tuple[Any, list[Any] | None, int]:
    """The run's inspect log, its samples' digests when every one was seen as it ended, and how many never started.

    Raises:
        HarnessError: inspect could not start, or no worker wrote a log.
        RunInterrupted: Ctrl-C before any log was written.
    """
    users = session_users(run.task.dataset, run.inspect_args.get("limit"))  # once, for either way
    with sandbox_run_id(run_id):
        if not run.execution.sharded:
            return (*run_in_process(run, run_dir, run_id, hooks, users, resume=resumed), 0)
        merged = run_sharded(run, str(run_dir), run_id, started, hooks, users, resume=resumed)
    return merged.log, merged.digests, merged.not_run
