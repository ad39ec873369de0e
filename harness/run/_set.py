"""Executing many plans as one inspect eval set: retries, resuming a stopped set, one record per run.

`execute_set(plans, log_dir)` runs the plans with inspect's `eval_set` (each task carrying its
own model and roles), gives each run a harness run id, calls the hooks, and writes a results
record per run under `log_dir/records/` plus `log_dir/index.json` listing them (`write_index`,
the one writer of that file, also serves eval sets on Ray).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, cast

from harness.plugins._kinds import PluginKind
from harness.plugins._registry import Registry
from harness.results._record import build_record
from harness.results._record_file import atomic_write_text
from harness.run._finish import finish, writable_log_dir
from harness.run._hooks import HookRelay, hook_relay
from harness.results._log_redaction import log_safe_roles, redact_logged_task_args
from harness.run._inspect_call import call_eval_set, inspect_roles, safe_model
from harness.run._lock import directory_lock
from harness.run._logs import newest_logs, read_log
from harness.run._names import RUN_ID_METADATA, new_run_id, sandbox_run_id
from harness.run._plan import RunPlan
from harness.run._sample_events import forwarding
from harness.run._progress import run_progress

INDEX_FILE = "index.json"


@dataclass(frozen=True)
class EvalSetOutcome:
    """How a set ended and the index of its records.

    Attributes:
        status: `success` (every planned run finished), `cancelled` (interrupted) or `error`.
        index_path: Where `index.json` was written.
        runs: One entry per run that has a log: task, model, run id, status, record, log.
    """

    status: str
    index_path: Path
    runs: list[dict[str, Any]]

    @property
    def success(self) -> bool:
        return self.status == "success"


def execute_set(
    plans: Sequence[RunPlan],
    log_dir: str | Path,
    set_args: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
) -> EvalSetOutcome:
    """Run many plans as one inspect eval set, resumable: re-running skips finished runs.

    Each plan's task runs on its own model (and roles); records go to
    `log_dir/records/<task>--<model>--<run id>/results.json` and `log_dir/index.json` lists them.

    Args:
        plans: The runs; their task names must differ for the same model.
        log_dir: The set's directory (inspect's eval-set log dir).
        set_args: Keyword arguments for inspect's `eval_set` (retry_attempts, max_tasks, limit...).
        registry: Where hook plugins come from.

    Raises:
        HarnessError: Another eval set runs in `log_dir` (it is locked while one runs), or inspect
            could not start.
    """
    log_dir = Path(log_dir).absolute()
    writable_log_dir(log_dir)
    with directory_lock(log_dir):
        registry = registry or Registry.from_environment()
        hooks = hook_relay(registry.load_all(PluginKind.HOOKS))
        run_ids = {(p.task_name, p.model): new_run_id() for p in plans}
        clock = time.perf_counter()
        interrupted = _run_set(plans, log_dir, dict(set_args or {}), hooks, run_ids)
        runs = _records(plans, log_dir, hooks, elapsed=time.perf_counter() - clock)
        status = set_status(runs, len(plans), interrupted)
        return EvalSetOutcome(status, write_index(log_dir, status, len(plans), runs), runs)


def _run_set(
    plans: Sequence[RunPlan], log_dir: Path, set_args: dict[str, Any], hooks: HookRelay, run_ids: dict[Any, str]
) -> bool:
    """Run the set with inspect; True when Ctrl-C stopped it."""
    from inspect_ai import task_with

    tasks = []
    for item in plans:
        run_id = run_ids[(item.task_name, item.model)]
        metadata = {**(item.task.metadata or {}), RUN_ID_METADATA: run_id}
        tasks.append(
            task_with(
                redact_logged_task_args(item.task),
                model=safe_model(item.model, item.model_args),
                model_roles=cast(Any, log_safe_roles(inspect_roles(item.model_roles))),
                metadata=metadata,
                **({"solver": item.solver} if item.solver is not None else {}),
            )
        )
        hooks.call("harness_run_start", run_id=run_id, config=item.params(), log_dir=log_dir)
    set_id = new_run_id()
    with (
        forwarding(hooks, lambda task, model: run_ids.get((task, model), set_id)),
        sandbox_run_id(set_id),
        run_progress(set_args),
    ):
        try:
            call_eval_set(tasks, log_dir=str(log_dir), args=set_args)
        except KeyboardInterrupt:
            return True
    return False


def _records(plans: Sequence[RunPlan], log_dir: Path, hooks: HookRelay, *, elapsed: float) -> list[dict[str, Any]]:
    """A record per run that left a log, read from the set's directory.

    After Ctrl-C inspect returns no logs (or raises), and a resumed set's earlier runs are there
    too: so the logs are found in the directory, the newest of each (task, model).
    """
    by_key = {(p.task_name, p.model): p for p in plans}
    found = newest_logs(str(log_dir), lambda header: (header.eval.task, header.eval.model), set(by_key))
    runs = []
    for location in sorted(found.values()):
        full = read_log(location)
        planned = by_key.get((full.eval.task, full.eval.model))
        run_id = str((full.eval.metadata or {}).get(RUN_ID_METADATA) or full.eval.eval_id[:12])
        record = build_record(
            run_id=run_id,
            log=full,
            task_ref=planned.config.task if planned else full.eval.task,
            params=planned.params() | {"model": full.eval.model} if planned else {"task": full.eval.task},
            plugins=planned.plugins if planned else [],
            started_at=full.stats.started_at or datetime.now(timezone.utc).isoformat(),
            completed_at=full.stats.completed_at or datetime.now(timezone.utc).isoformat(),
            wall_time=_wall_time(full, fallback=elapsed),
            hook_errors=[e.to_dict() for e in hooks.errors],
        )
        record_dir = log_dir / "records" / f"{slug(full.eval.task)}--{slug(full.eval.model)}--{run_id}"
        outcome = finish(record, record_dir, hooks)
        runs.append(
            {
                "task": full.eval.task,
                "model": full.eval.model,
                "run_id": run_id,
                "status": full.status,
                "record": str(outcome.results_path),
                "log": full.location,
            }
        )
    return sorted(runs, key=lambda r: (r["task"], r["model"]))


def set_status(runs: Sequence[Mapping[str, Any]], planned: int, interrupted: bool) -> str:
    """`cancelled` if stopped, `success` if every planned run succeeded, else `error`."""
    statuses = {run["status"] for run in runs}
    if interrupted or "cancelled" in statuses:
        return "cancelled"
    if statuses <= {"success"} and len(runs) == planned:
        return "success"
    return "error"


def write_index(
    log_dir: Path, status: str, planned: int, runs: Sequence[Mapping[str, Any]], *, executor: str | None = None
) -> Path:
    """Write `log_dir/index.json`: the set's status and one entry per run."""
    index: dict[str, Any] = {
        "generated_at": datetime.now(timezone.utc).isoformat(),
        "status": status,
        "success": status == "success",
        "planned": planned,
    }
    if executor:
        index["executor"] = executor
    index["runs"] = list(runs)
    path = log_dir / INDEX_FILE
    atomic_write_text(path, json.dumps(index, indent=2) + "\n")
    return path


def slug(text: str) -> str:
    """`text` as a file-name part: runs of other characters become `_`, at most 60 characters."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:60]


def _wall_time(log: Any, fallback: float) -> float:
    """A run's own duration from its log (the set's elapsed time would mix runs, and resumes)."""
    try:
        started = datetime.fromisoformat(log.stats.started_at)
        completed = datetime.fromisoformat(log.stats.completed_at)
    except (TypeError, ValueError):
        return fallback
    return max(0.0, (completed - started).total_seconds())
