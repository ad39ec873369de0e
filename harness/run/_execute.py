"""Executing plans on inspect-ai: run ids, log directories, hooks, sandbox labels and results records.

`execute(plan)` runs one plan with inspect's `eval`; `execute_set(plans, ...)` runs many with
inspect's `eval_set` (retries, and resuming a set that was stopped). Both give every run a
harness run id (recorded in the inspect log's metadata as `harness_run_id`), call the hooks,
label sandbox containers with the run id and write one results record per run.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, cast

from harness._errors import HarnessError, storage_error
from harness.plugins._registry import Registry
from harness.results._record import atomic_write_text, build_record, write_record
from harness.run._hooks import HookRelay, hook_relay
from harness.run._plan import RunPlan, plan

RUN_ID_METADATA = "harness_run_id"
"""Key of the inspect log's eval metadata that holds the harness run id."""


@dataclass(frozen=True)
class RunOutcome:
    """What a finished run produced.

    Attributes:
        record: The results record.
        results_path: Where `results.json` was written.
        extra_paths: Files written by `harness_write_results` hooks.
    """

    record: dict[str, Any]
    results_path: Path
    extra_paths: list[Path]


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


def run_eval(config: Any, registry: Registry | None = None) -> RunOutcome:
    """Plan and execute one evaluation: `execute(plan(config, registry))`.

    Raises:
        HarnessError: Bad configuration, unknown or broken plugins, or an unwritable results
            record; the message names the fix.
    """
    registry = registry or Registry.from_environment()
    return execute(plan(config, registry), registry)


def execute(run: RunPlan, registry: Registry | None = None, *, resume: Path | None = None) -> RunOutcome:
    """Run one plan with inspect's `eval` and write its results record beside the inspect log.

    Args:
        run: The plan.
        registry: Where hook plugins come from.
        resume: A run directory whose partial log this run finishes (see `resume_run`).

    Raises:
        HarnessError: inspect could not start the evaluation (bad model name, missing provider
            or key...), or the record cannot be written.
    """
    from harness.run._resume import save_run_file
    from harness.run._sharded import wants_shards

    registry = registry or Registry.from_environment()
    sharded = wants_shards(run.config.options)
    if sharded:
        from harness.run._sharded import preflight

        preflight(run.config.options)
    hooks = hook_relay(registry)
    _prepare_inspect()
    started = datetime.now(timezone.utc)
    if resume is None:
        run_id = new_run_id()
        run_dir = Path(run.log_dir) / f"{started:%Y%m%dT%H%M%SZ}-{run_id}"
        _writable_log_dir(run_dir)
        save_run_file(run_dir, run_id, run.config)
    else:
        run_dir, run_id = resume, _resumed_run_id(resume)
    params = run.params()
    hooks.call("harness_run_start", run_id=run_id, config=params, log_dir=run_dir)
    clock = time.perf_counter()
    if sharded:
        from harness.run._sharded import run_sharded

        with sandbox_run_id(run_id):
            merged = run_sharded(
                run, str(run_dir), run_id, started, hooks, resume=resume is not None, disabled=sorted(registry.disabled)
            )
        log, digests = merged.log, merged.digests
    else:
        log, digests = _execute_here(run, run_dir, run_id, hooks, resume)
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
    )
    if record["error"] and "No space left on device" in record["error"]:
        record["error"] += f" (writing the run's files under {run_dir}: free space there or choose another log_dir=DIR)"
    return _finish(record, run_dir, hooks)


def _execute_here(
    run: RunPlan, run_dir: Path, run_id: str, hooks: HookRelay, resume: Path | None
) -> tuple[Any, list[Any] | None]:
    """Run the plan in this process with inspect's `eval`: its log, and its samples' digests when they were all seen.

    The digests are taken as each sample ends (the hook that forwards samples sees every one), so a
    finished run's record needs no second read of its log; a resumed or stopped run's record reads
    the log, which also holds the samples of the earlier attempt.
    """
    from inspect_ai import eval as inspect_eval

    from harness.run._resume import partial_log, previous_task

    target: Any = run.task if resume is None else previous_task(partial_log(run_dir), run.task)
    digests: list[Any] = []
    with (
        _forwarding(hooks, lambda task, model: run_id, digests if resume is None else None),
        sandbox_run_id(run_id),
        _progress(run.config.options),
    ):
        try:
            logs = _call_inspect(
                inspect_eval,
                target,
                solver=run.solver,
                model=run.model,
                model_args=dict(run.model_args),
                model_roles=dict(run.model_roles) or None,
                log_dir=str(run_dir),
                metadata={RUN_ID_METADATA: run_id},
                **run.inspect_args,
            )
        except KeyboardInterrupt:
            logs = []
    # Ctrl-C: inspect has cancelled the run and written the log of what finished, but returns no log
    log = logs[0] if logs else _log_left_in(run_dir)
    complete = resume is None and log.status == "success" and log.results is not None
    if complete and len(digests) == log.results.total_samples:
        return log, digests
    return log, None


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
    from harness.run._lock import directory_lock

    log_dir = Path(log_dir)
    _writable_log_dir(log_dir)
    with directory_lock(log_dir):
        return _execute_set(plans, log_dir, set_args, registry)


def _execute_set(
    plans: Sequence[RunPlan], log_dir: Path, set_args: Mapping[str, Any] | None, registry: Registry | None
) -> EvalSetOutcome:
    from inspect_ai import eval_set, task_with
    from inspect_ai.log import read_eval_log

    hooks = hook_relay(registry or Registry.from_environment())
    _prepare_inspect()
    set_id = new_run_id()
    run_ids = {(p.task_name, p.model): new_run_id() for p in plans}
    tasks = []
    for item in plans:
        run_id = run_ids[(item.task_name, item.model)]
        metadata = {**(item.task.metadata or {}), RUN_ID_METADATA: run_id}
        tasks.append(
            task_with(
                item.task,
                model=_model(item),
                model_roles=cast(Any, dict(item.model_roles) or None),
                metadata=metadata,
                **({"solver": item.solver} if item.solver is not None else {}),
            )
        )
        hooks.call("harness_run_start", run_id=run_id, config=item.params(), log_dir=log_dir)
    started, clock = datetime.now(timezone.utc), time.perf_counter()
    interrupted = False
    with (
        _forwarding(hooks, lambda task, model: run_ids.get((task, model), set_id)),
        sandbox_run_id(set_id),
        _progress(dict(set_args or {})),
    ):
        try:
            _call_inspect(eval_set, tasks, log_dir=str(log_dir), **dict(set_args or {}))
        except KeyboardInterrupt:
            interrupted = True
    by_key = {(p.task_name, p.model): p for p in plans}
    # the set's logs are read from its directory: after Ctrl-C inspect returns none (or raises),
    # and a resumed set's earlier runs are there too
    logs = _newest_logs(log_dir, set(by_key))
    runs = []
    for location in logs:
        full = read_eval_log(location)
        planned = by_key.get((full.eval.task, full.eval.model))
        run_id = str((full.eval.metadata or {}).get(RUN_ID_METADATA) or full.eval.eval_id[:12])
        record = build_record(
            run_id=run_id,
            log=full,
            task_ref=planned.config.task if planned else full.eval.task,
            params=planned.params() | {"model": full.eval.model} if planned else {"task": full.eval.task},
            plugins=planned.plugins if planned else [],
            started_at=full.stats.started_at or started.isoformat(),
            completed_at=full.stats.completed_at or datetime.now(timezone.utc).isoformat(),
            wall_time=_wall_time(full, fallback=time.perf_counter() - clock),
            hook_errors=[e.to_dict() for e in hooks.errors],
        )
        record_dir = log_dir / "records" / f"{_slug(full.eval.task)}--{_slug(full.eval.model)}--{run_id}"
        outcome = _finish(record, record_dir, hooks)
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
    statuses = {run["status"] for run in runs}
    if interrupted or "cancelled" in statuses:
        status = "cancelled"
    elif statuses == {"success"} and len(runs) == len(plans):
        status = "success"
    else:
        status = "error"
    ordered = sorted(runs, key=lambda r: (r["task"], r["model"]))
    index = {
        "generated_at": datetime.now(timezone.utc).isoformat(),
        "status": status,
        "success": status == "success",
        "planned": len(plans),
        "runs": ordered,
    }
    index_path = log_dir / "index.json"
    atomic_write_text(index_path, json.dumps(index, indent=2) + "\n")
    return EvalSetOutcome(status, index_path, ordered)


def _newest_logs(log_dir: Path, wanted: set[tuple[str, str]]) -> list[str]:
    """The newest log of each planned (task, model) in the set's directory."""
    from inspect_ai.log import list_eval_logs, read_eval_log

    newest: dict[tuple[str, str], tuple[float, str]] = {}
    for info in list_eval_logs(str(log_dir), recursive=False) if log_dir.exists() else []:
        location = info.name.removeprefix("file://")
        try:
            header = read_eval_log(location, header_only=True)
        except Exception:  # a log being written or broken: eval_set itself reports it
            continue
        key = (header.eval.task, header.eval.model)
        if key in wanted and (key not in newest or (info.mtime or 0) > newest[key][0]):
            newest[key] = (info.mtime or 0, location)
    return [location for _, location in sorted(newest.values(), key=lambda item: item[1])]


class RunInterrupted(HarnessError):
    """The run was stopped (Ctrl-C, SIGTERM) before inspect wrote any log: nothing to record."""

    exit_code = 130


def _log_left_in(run_dir: Path) -> Any:
    """The log inspect left in `run_dir` after a cancelled run, read whole."""
    from inspect_ai.log import list_eval_logs, read_eval_log

    found = list_eval_logs(str(run_dir), recursive=False) if run_dir.exists() else []
    if not found:
        raise RunInterrupted(f"interrupted before the first sample finished; nothing was written to {run_dir}")
    newest = max(found, key=lambda info: info.mtime or 0).name
    return read_eval_log(newest.removeprefix("file://"))


def resume_run(run_dir: str | Path, overrides: dict[str, str], registry: Registry | None = None) -> RunOutcome:
    """Finish a run that was killed or interrupted: completed samples are reused, the record written.

    Raises:
        ConfigError: `run_dir` is not a run directory, or its saved configuration lacks secrets
            that the overrides do not give again.
    """
    from harness.run._resume import load_run_file

    registry = registry or Registry.from_environment()
    _, config = load_run_file(run_dir, overrides)
    return execute(plan(config, registry), registry, resume=Path(run_dir))


def _resumed_run_id(run_dir: Path) -> str:
    from harness.run._resume import RUN_FILE

    return str(json.loads((run_dir / RUN_FILE).read_text(encoding="utf-8"))["run_id"])


def new_run_id() -> str:
    """A fresh harness run id (12 hex digits)."""
    return uuid.uuid4().hex[:12]


@contextmanager
def sandbox_run_id(run_id: str) -> Iterator[None]:
    """Expose the run id to sandbox providers, which label their containers with it."""
    previous = os.environ.get("PLUGEVAL_RUN_ID")
    os.environ["PLUGEVAL_RUN_ID"] = run_id
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("PLUGEVAL_RUN_ID", None)
        else:
            os.environ["PLUGEVAL_RUN_ID"] = previous


def _finish(record: dict[str, Any], out_dir: Path, hooks: HookRelay) -> RunOutcome:
    results_path = write_record(record, out_dir)
    hooks.call("harness_run_end", run_id=record["run_id"], record=record, results_path=results_path)
    extra = hooks.call("harness_write_results", record=record, out_dir=out_dir)
    if len(hooks.errors) > len(record["hook_errors"]):  # rewrite so the record names every failed hook
        record["hook_errors"] = [e.to_dict() for e in hooks.errors]
        results_path = write_record(record, out_dir)
    return RunOutcome(record, results_path, _paths(extra))


def _prepare_inspect() -> None:
    from harness.run._offline import install_offline_token_counting

    install_offline_token_counting()


def _call_inspect(function: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return function(*args, **kwargs)
    except HarnessError:
        raise
    except Exception as ex:  # inspect raises for bad model names, missing providers, keys...
        raise HarnessError(f"inspect could not run the evaluation: {type(ex).__name__}: {_plain(str(ex))}") from ex


def _plain(message: str) -> str:
    """inspect's messages carry rich console markup (`[bold]KEY[/bold]`); a one-line error shows none."""
    from rich.errors import MarkupError
    from rich.text import Text

    try:
        return " ".join(Text.from_markup(message).plain.split())
    except MarkupError:
        return " ".join(message.split())


def _writable_log_dir(directory: Path) -> None:
    """Create the run's log directory now, so an unwritable one is named before anything runs."""
    import errno

    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / ".harness-write-check"
        probe.write_bytes(b"x" * 4096)  # a full disk refuses data, not empty files
        probe.unlink()
    except OSError as ex:
        with contextlib.suppress(OSError):  # e.g. log_dir is a file: there is no probe to remove
            (directory / ".harness-write-check").unlink(missing_ok=True)
        if ex.errno in (errno.ENOSPC, errno.EDQUOT):
            raise storage_error(directory, ex) from ex
        raise HarnessError(
            f"cannot write the run's logs to {directory}: {ex.strerror or ex}; "
            "choose another log_dir=DIR or make it writable"
        ) from ex


def _model(item: RunPlan) -> Any:
    if not item.model_args:
        return item.model
    from inspect_ai.model import get_model

    return get_model(item.model, **dict(item.model_args))


@contextmanager
def _forwarding(hooks: HookRelay, run_for: Any, digests: list[Any] | None = None) -> Iterator[None]:
    from harness.run._sample_events import forwarding

    with forwarding(hooks, run_for, digests):
        yield


@contextmanager
def _progress(options: Mapping[str, Any]) -> Iterator[None]:
    from harness.run._progress import progress_lines, wants_progress_lines

    interval = float(os.environ.get("HARNESS_PROGRESS_SECONDS", "30"))
    with progress_lines(wants_progress_lines(dict(options)), interval):
        yield


def _wall_time(log: Any, fallback: float) -> float:
    """A run's own duration from its log (the set's elapsed time would mix runs, and resumes)."""
    try:
        started = datetime.fromisoformat(log.stats.started_at)
        completed = datetime.fromisoformat(log.stats.completed_at)
    except (TypeError, ValueError):
        return fallback
    return max(0.0, (completed - started).total_seconds())


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:60]


def _paths(values: list[Any]) -> list[Path]:
    paths: list[Path] = []
    for value in values:
        paths.extend(Path(v) for v in (value if isinstance(value, (list, tuple)) else [value]))
    return paths
