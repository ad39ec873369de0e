"""`harness eval-set --config matrix.yaml`: a matrix of tasks × models (× grids) as run plans.

Each (task, grid point, model) becomes a `RunConfig` and then a `RunPlan`, exactly as
`harness eval` would make it, so solver/scorer/simulator overrides, typed plugin arguments,
hooks, sandbox labels and records work the same. The plans run as one inspect eval set
(`execute_set`): failed runs are retried, and re-running on the same log_dir resumes.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from harness.config._run_config import RunConfig, default_model
from harness.config._schemas import load_schema
from harness.config._validation import validate
from harness.config._yaml_reader import read_yaml_mapping
from harness.plugins._registry import Registry
from harness.run._finish import writable_log_dir
from harness.run._inspect_args import inspect_eval_args
from harness.run._lock import directory_lock
from harness.run._plan import RunPlan, plan
from harness.run._set import EvalSetOutcome, execute_set, slug, write_index

_COMPONENT_OVERRIDES = ("solver", "scorer", "simulator")


def matrix_schema() -> dict[str, Any]:
    """The JSON Schema of an eval-set matrix (`harness/schemas/matrix.schema.json`)."""
    return load_schema("matrix.schema.json")


def load_matrix(path: str | Path) -> dict[str, Any]:
    """Read and validate a matrix file; errors name `file:line`."""
    document = read_yaml_mapping(path, "eval-set matrix")
    validate(document.data, matrix_schema(), where=document.where)
    return dict(document.data)


def expand_tasks(matrix: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any], str | None]]:
    """(task item, task args, display name when a grid varies it) for every task × grid point."""
    expanded = []
    for item in matrix["tasks"]:
        item = {"task": item} if isinstance(item, str) else item
        grid = item.get("grid") or {}
        keys = sorted(grid)
        for values in itertools.product(*(grid[k] for k in keys)) if keys else [()]:
            point = dict(zip(keys, values, strict=True))
            label = f"{item['task']}[{','.join(f'{k}={v}' for k, v in point.items())}]" if point else None
            expanded.append((item, {**(item.get("args") or {}), **point}, label))
    return expanded


def matrix_models(matrix: dict[str, Any]) -> list[dict[str, Any]]:
    """The matrix's model rows as `{model, model_args, model_roles}` (a bare string is a model)."""
    rows = []
    for entry in matrix["models"]:
        row: dict[str, Any] = {"model": entry} if isinstance(entry, str) else dict(entry)
        row["model_args"] = {**(matrix.get("model_args") or {}), **(row.get("model_args") or {})}
        row["model_roles"] = {**(matrix.get("model_roles") or {}), **(row.get("model_roles") or {})}
        rows.append(row)
    return rows


def matrix_configs(matrix: dict[str, Any]) -> list[tuple[RunConfig, str | None]]:
    """One run configuration per task × grid point × model row, with its display name."""
    schema = matrix_schema()
    options = {k: v for k, v in matrix.items() if schema["properties"].get(k, {}).get("x-inspect") == "eval"}
    configs = []
    for item, args, label in expand_tasks(matrix):
        for row in matrix_models(matrix):
            configs.append(
                (
                    RunConfig(
                        task=item["task"],
                        model=row["model"] or default_model(),
                        solver=item.get("solver"),
                        scorer=item.get("scorer"),
                        simulator=item.get("simulator"),
                        options=dict(options),
                        args={
                            "task": args,
                            "model": row["model_args"],
                            **{kind: dict(item.get(f"{kind}_args") or {}) for kind in _COMPONENT_OVERRIDES},
                        },
                        model_roles=row["model_roles"],
                    ),
                    label,
                )
            )
    return configs


def run_eval_set(matrix: dict[str, Any], registry: Registry | None = None) -> EvalSetOutcome:
    """Run (or resume) the eval set and write a results record per run plus index.json.

    Every run is planned first, so a bad task, plugin or argument stops the set before anything
    runs, with the same error as `harness eval`.
    """
    registry = registry or Registry.from_environment()
    plans = [plan(config, registry).with_label(label) for config, label in matrix_configs(matrix)]
    if matrix.get("executor") == "ray":
        return _run_on_ray(matrix, plans)
    set_args = inspect_eval_args(matrix, matrix_schema(), eval_set=True)
    return execute_set(plans, matrix["log_dir"], set_args, registry)


def _run_on_ray(matrix: dict[str, Any], plans: list[RunPlan]) -> EvalSetOutcome:
    """Each (task, model) run as a Ray task, into `<log_dir>/runs/<task>--<model>/` (see `_set_ray`)."""
    from harness.run._set_ray import SetRun, run_set_on_ray

    log_dir = Path(matrix["log_dir"]).absolute()
    runs = []
    for item in plans:
        ref = item.label or item.config.task
        own = log_dir / "runs" / f"{slug(ref)}--{slug(item.model)}"
        runs.append(SetRun(item.with_log_dir(str(own)), (ref, item.model)))
    writable_log_dir(log_dir)
    with directory_lock(log_dir):
        status, entries = run_set_on_ray(
            runs,
            log_dir,
            matrix.get("ray") or {},
            max_tasks=matrix.get("max_tasks"),
            retry_attempts=matrix.get("retry_attempts", 0),
        )
        index_path = write_index(log_dir, status, len(runs), entries, executor="ray")
    return EvalSetOutcome(status, index_path, entries)
