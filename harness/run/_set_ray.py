"""`harness eval-set` with `executor: ray`: each (task, model) run of the set as one Ray task.

Each Ray task receives its run's plan (a `RunPlan` pickles; the task is built from it where it
runs) and executes it exactly as `harness eval` would, into
`<log_dir>/runs/<task>--<model>/`: its inspect log and results record, its hooks and sandbox
labels. The driver submits at most `max_tasks` runs at once (default: all), re-submits a run
that did not succeed up to `retry_attempts` times, and writes `<log_dir>/index.json` in the same
form as the local eval set. Re-running the set skips the runs the previous index lists as
successful, so an interrupted or partly failed set resumes. As with `executor=ray` for one run,
`log_dir` must be a location every node reaches.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.run._execute import execute
from harness.run._plan import RunPlan
from harness.run._set import INDEX_FILE, set_status
from harness.run.sharding._ray import STOP_SECONDS, connect, import_ray, preflight


@dataclass(frozen=True)
class SetRun:
    """One run of the set: its plan and what identifies it across attempts of the set.

    Attributes:
        plan: The run's plan, with `log_dir` set to the run's own directory (and its grid
            point's label, if any).
        key: Task reference or label, and model.
    """

    plan: RunPlan
    key: tuple[str, str]


def run_set_on_ray(
    runs: Sequence[SetRun], log_dir: Path, options: Mapping[str, Any], *, max_tasks: int | None, retry_attempts: int
) -> tuple[str, list[dict[str, Any]]]:
    """Run every (task, model) of the set as a Ray task; return the set's status and its index entries."""
    preflight(options)
    ray = import_ray()
    previous = _finished(log_dir / INDEX_FILE)
    entries = [previous[run.key] for run in runs if run.key in previous]
    todo = [run for run in runs if run.key not in previous]
    started_here = connect(ray, options)
    try:
        finished, interrupted = _run(ray, todo, max_tasks or len(todo) or 1, retry_attempts)
    finally:
        if started_here:
            ray.shutdown()
    entries.extend(finished)
    return set_status(entries, len(runs), interrupted), sorted(entries, key=lambda e: (e["task"], e["model"]))


def _finished(index_path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """The successful runs of an earlier attempt of the set, by key; nothing when there was none."""
    try:
        index = json.loads(index_path.read_text())
    except (OSError, ValueError):
        return {}
    return {
        (entry["ref"], entry["model"]): entry
        for entry in index.get("runs", [])
        if isinstance(entry, dict) and entry.get("status") == "success" and "ref" in entry
    }


def _run(ray: Any, runs: Sequence[SetRun], max_tasks: int, retry_attempts: int) -> tuple[list[dict[str, Any]], bool]:
    task = ray.remote(num_cpus=1, max_retries=0)(_run_task)
    waiting = list(runs)
    attempts = {run.key: 0 for run in runs}
    pending: dict[Any, SetRun] = {}
    results: dict[tuple[str, str], dict[str, Any]] = {}
    interrupted, deadline = False, None
    while waiting or pending:
        try:
            while waiting and len(pending) < max_tasks and not interrupted:
                run = waiting.pop(0)
                attempts[run.key] += 1
                pending[task.remote(run.plan)] = run
            ready, _ = ray.wait(list(pending), num_returns=1, timeout=0.5)
            for ref in ready:
                run = pending.pop(ref)
                entry = _entry(ray, ref, run, interrupted)
                results[run.key] = entry
                if entry["status"] != "success" and not interrupted and attempts[run.key] <= retry_attempts:
                    tried = f"{attempts[run.key]}/{retry_attempts}"
                    _say(f"{run.key[0]} × {run.key[1]}: {entry['status']}, retrying ({tried})")
                    waiting.append(run)
                else:
                    _say(f"{run.key[0]} × {run.key[1]}: {entry['status']}")
            if deadline is not None and time.monotonic() > deadline:
                for ref in pending:
                    ray.cancel(ref, force=True)
                deadline = None
        except KeyboardInterrupt:
            if interrupted:
                for ref in pending:
                    ray.cancel(ref, force=True)
                continue
            interrupted = True
            waiting.clear()
            _say("cancelling the Ray tasks (Ctrl-C again to force)")
            for ref in pending:
                ray.cancel(ref)
            deadline = time.monotonic() + STOP_SECONDS
    return list(results.values()), interrupted


def _run_task(run: RunPlan) -> dict[str, Any]:
    """The Ray task: execute the plan where it runs, and describe its record."""
    outcome = execute(run)
    record = outcome.record
    return {
        "task": record["task"]["name"],
        "model": record["model"],
        "run_id": record["run_id"],
        "status": record["status"],
        "record": str(outcome.results_path),
        "log": record["inspect_log"],
    }


def _entry(ray: Any, ref: Any, run: SetRun, interrupted: bool) -> dict[str, Any]:
    base = {"ref": run.key[0], "task": run.plan.label or run.key[0], "model": run.key[1]}
    try:
        described = ray.get(ref)
    except Exception as ex:  # the run raised (bad plugin, unreachable model...), its worker died, or it was cancelled
        cancelled = interrupted and type(ex).__name__ in ("TaskCancelledError", "RayTaskError(KeyboardInterrupt)")
        cause = str(ex).strip().splitlines()[-1] if str(ex).strip() else type(ex).__name__
        return {
            **base,
            "run_id": None,
            "status": "cancelled" if cancelled else "error",
            "error": None if cancelled else cause,
            "record": None,
            "log": None,
        }
    return {**base, **described, "model": run.key[1]}


def _say(message: str) -> None:
    print(f"harness: {message}", file=sys.stderr, flush=True)
