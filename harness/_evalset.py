"""`harness eval-set --config matrix.yaml`: tasks × models (× grids) on inspect's eval-set machinery.

inspect's eval_set retries failed tasks and, re-run on the same log_dir, skips work already
finished. Afterwards every log gets a results record (`records/<task>--<model>--<id>/results.json`)
and `index.json` lists them all, so a resumed set ends with one complete index.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ._config import RunConfig
from ._registry import PluginEntry, Registry
from ._results import atomic_write_text, build_record, write_record
from ._schemas import load_schema
from ._validation import validate
from ._yamlfile import read_yaml_mapping

_EVAL_SET_KEYS = ("limit", "epochs", "max_samples", "max_tasks", "retry_attempts", "fail_on_error", "display")
_GENERATE_KEYS = ("seed", "temperature", "max_tokens", "max_connections")


def matrix_schema() -> dict[str, Any]:
    """The JSON Schema of an eval-set matrix (`harness/schemas/matrix.schema.json`)."""
    return load_schema("matrix.schema.json")


@dataclass(frozen=True)
class EvalSetOutcome:
    """Whether every task finished, and the index of records."""

    success: bool
    index_path: Path
    runs: list[dict[str, Any]]


def load_matrix(path: str | Path) -> dict[str, Any]:
    """Read and validate a matrix file; errors name `file:line`."""
    document = read_yaml_mapping(path, "eval-set matrix")
    validate(document.data, matrix_schema(), where=document.where)
    return dict(document.data)


def expand_tasks(matrix: dict[str, Any]) -> list[tuple[str, dict[str, Any], str | None]]:
    """(task, args, display name when a grid varies it) for every task × grid combination."""
    expanded = []
    for item in matrix["tasks"]:
        item = {"task": item} if isinstance(item, str) else item
        grid = item.get("grid") or {}
        keys = sorted(grid)
        for values in itertools.product(*(grid[k] for k in keys)) if keys else [()]:
            point = dict(zip(keys, values, strict=True))
            label = f"{item['task']}[{','.join(f'{k}={v}' for k, v in point.items())}]" if point else None
            expanded.append((item["task"], {**(item.get("args") or {}), **point}, label))
    return expanded


def run_eval_set(matrix: dict[str, Any], registry: Registry | None = None) -> EvalSetOutcome:
    """Run (or resume) the eval set and write a results record per log plus index.json."""
    from inspect_ai import eval_set, task_with
    from inspect_ai.log import read_eval_log

    from ._offline import install_offline_token_counting
    from ._run import _build_task

    registry = registry or Registry.from_environment()
    tasks, used_by_task = [], {}
    for name, args, label in expand_tasks(matrix):
        used: list[PluginEntry] = []
        task = _build_task(RunConfig(task=name, args={"task": args}), registry, used, {})
        if label:
            task = task_with(task, name=label)
        tasks.append(task)
        used_by_task[task.name] = (name, args, used)
    install_offline_token_counting()
    log_dir = Path(matrix["log_dir"])
    options = {k: matrix[k] for k in (*_EVAL_SET_KEYS, *_GENERATE_KEYS) if k in matrix}
    started, clock = datetime.now(timezone.utc), time.perf_counter()
    success, logs = eval_set(
        tasks, log_dir=str(log_dir), model=matrix["models"], model_args=matrix.get("model_args") or {}, **options
    )
    runs = []
    for log in logs:
        full = read_eval_log(log.location)
        task_ref, args, used = used_by_task.get(full.eval.task, (full.eval.task, {}, []))
        run_id = full.eval.eval_id[:12]
        record_dir = log_dir / "records" / f"{_slug(full.eval.task)}--{_slug(full.eval.model)}--{run_id}"
        record = build_record(
            run_id=run_id,
            log=full,
            task_ref=task_ref,
            params={
                "task": task_ref,
                "model": full.eval.model,
                "task_args": args,
                **{k: v for k, v in options.items() if k != "display"},
            },
            plugins=used,
            started_at=full.stats.started_at or started.isoformat(),
            completed_at=full.stats.completed_at or datetime.now(timezone.utc).isoformat(),
            wall_time=_wall_time(full, fallback=time.perf_counter() - clock),
            hook_errors=[],
        )
        path = write_record(record, record_dir)
        runs.append(
            {
                "task": full.eval.task,
                "model": full.eval.model,
                "status": full.status,
                "record": str(path),
                "log": full.location,
            }
        )
    index = {
        "generated_at": datetime.now(timezone.utc).isoformat(),
        "success": bool(success),
        "runs": sorted(runs, key=lambda r: (r["task"], r["model"])),
    }
    index_path = log_dir / "index.json"
    atomic_write_text(index_path, json.dumps(index, indent=2) + "\n")
    return EvalSetOutcome(bool(success), index_path, index["runs"])


def _wall_time(log: Any, fallback: float) -> float:
    """The run's own duration from its log (the set's elapsed time would mix runs, and resumes)."""
    try:
        started = datetime.fromisoformat(log.stats.started_at)
        completed = datetime.fromisoformat(log.stats.completed_at)
    except (TypeError, ValueError):
        return fallback
    return max(0.0, (completed - started).total_seconds())


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:60]
