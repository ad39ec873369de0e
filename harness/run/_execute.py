"""Executing one plan: its run directory and id, hooks, the samples (here or sharded), its record.

`execute(plan)` gives the run a harness run id (recorded in the inspect log's metadata as
`harness_run_id`), creates `<log_dir>/<time>-<run id>/` with `run.json` (what `--resume`
needs), calls the start hook, runs the samples — in this process (`_single`) or split among
workers or Ray tasks (`sharding`), as the plan's execution says — and writes the results
record. It reads nothing but the plan.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from harness.plugins._kinds import PluginKind
from harness.plugins._registry import Registry
from harness.results._record import build_record
from harness.run._finish import RunOutcome, finish, writable_log_dir
from harness.run._hooks import hook_relay
from harness.run._names import new_run_id
from harness.run._plan import RunPlan, plan
from harness.run._resume import load_run_file, resumed_run_id, save_run_file
from harness.run._memory_file import save_memories
from harness.run._run_samples import run_samples
from harness.run.sharding._run import preflight

__all__ = ["RunOutcome", "execute", "resume_run", "run_eval"]


def run_eval(config: Any, registry: Registry | None = None) -> RunOutcome:
    """Plan and execute one evaluation: `execute(plan(config, registry))`.

    Raises:
        HarnessError: Bad configuration, unknown or broken plugins, or an unwritable results
            record; the message names the fix.
    """
    registry = registry or Registry.from_environment()
    return execute(plan(config, registry), registry)


def execute(run: RunPlan, registry: Registry | None = None, *, resume: Path | None = None) -> RunOutcome:
    """Run one plan on inspect and write its results record beside the inspect log.

    Args:
        run: The plan.
        registry: Where hook plugins come from.
        resume: A run directory whose partial log this run finishes (see `resume_run`).

    Raises:
        HarnessError: inspect could not start the evaluation (bad model name, missing provider
            or key...), or the record cannot be written.
    """
    hook_plugins = (registry or Registry.from_environment(list(run.disabled))).load_all(PluginKind.HOOKS)
    hooks = hook_relay(hook_plugins)
    preflight(run.execution)
    started = datetime.now(timezone.utc)
    if resume is None:
        run_id = new_run_id()
        run_dir = (Path(run.log_dir) / f"{started:%Y%m%dT%H%M%SZ}-{run_id}").absolute()
        writable_log_dir(run_dir)
        save_run_file(run_dir, run_id, run.config)
    else:
        run_dir, run_id = resume.absolute(), resumed_run_id(resume)
    params = run.params()
    hooks.call("harness_run_start", run_id=run_id, config=params, log_dir=run_dir)
    if run.execution.tuned:
        chosen = " ".join(run.execution.tuned)
        print(f"harness: chosen for this run: {chosen} (set them to override)", file=sys.stderr, flush=True)
    clock = time.perf_counter()
    log, digests, not_run = run_samples(run, run_dir, run_id, started, hooks, resumed=resume is not None)
    if run.user_memory.get("save") and log.location:
        save_memories(log.location, run.user_memory["save"])
    record = build_record(
        run_id=run_id,
        log=log,
        task_ref=run.config.task,
        params=params,
        plugins=run.plugins,
        started_at=started.isoformat(),
        completed_at=datetime.now(timezone.utc).isoformat(),
        wall_time=time.perf_counter() - clock,
        hook_errors=[e.to_dict() for e in hooks.errors],
        samples=digests,
        not_run=not_run,
    )
    if record["error"] and "No space left on device" in record["error"]:
        record["error"] += f" (writing the run's files under {run_dir}: free space there or choose another log_dir=DIR)"
    return finish(record, run_dir, hooks)


def resume_run(run_dir: str | Path, overrides: dict[str, str], registry: Registry | None = None) -> RunOutcome:
    """Finish a run that was killed or interrupted: completed samples are reused, the record written.

    Raises:
        ConfigError: `run_dir` is not a run directory, or its saved configuration lacks secrets
            that the overrides do not give again.
    """
    registry = registry or Registry.from_environment()
    _, config = load_run_file(run_dir, overrides)
    return execute(plan(config, registry), registry, resume=Path(run_dir))
