"""Running one evaluation: config → plugins → inspect Task → inspect eval → results record → hooks."""

from __future__ import annotations

import os
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from ._components import call_factory
from ._config import RunConfig, typed_args
from ._errors import HarnessError, PluginLoadError
from ._hooks import hook_runner
from ._kinds import PluginKind
from ._params import params_schema
from ._registry import PluginEntry, Registry
from ._results import build_record, write_record
from ._scorer_file import is_scorer_file, scorer_plugin_for
from ._yaml_task import is_task_file, load_yaml_task

DEFAULT_LOG_DIR = "logs"
_GENERATE_KEYS = ("temperature", "max_tokens", "top_p", "seed", "max_connections", "max_retries", "timeout")
_EVAL_KEYS = ("limit", "epochs", "max_samples", "max_sandboxes", "retry_on_error", "fail_on_error", "display")


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


def run_eval(config: RunConfig, registry: Registry | None = None) -> RunOutcome:
    """Run one evaluation and write its results record.

    Raises:
        HarnessError: Bad configuration, unknown or broken plugins, or an
            unwritable results record; the message names the fix.
    """
    registry = registry or Registry.from_environment()
    used: list[PluginEntry] = []
    resolved: dict[str, dict[str, Any]] = {}  # parameters as typed and passed, for the record
    task = _build_task(config, registry, used, resolved)
    solver = _build(config, registry, PluginKind.SOLVER, config.solver, used, resolved)
    scorer = _build(config, registry, PluginKind.SCORER, config.scorer, used, resolved)
    if scorer is not None:
        from inspect_ai import task_with

        task = task_with(task, scorer=scorer)

    from ._inspect_bridge import forwarding
    from ._offline import install_offline_token_counting

    install_offline_token_counting()
    run_id = uuid.uuid4().hex[:12]
    started = datetime.now(timezone.utc)
    run_dir = Path(config.options.get("log_dir", DEFAULT_LOG_DIR)) / f"{started:%Y%m%dT%H%M%SZ}-{run_id}"
    hooks = hook_runner(registry)
    params = config.to_dict() | {f"{kind}_args": args for kind, args in resolved.items() if args}
    hooks.call("harness_run_start", run_id=run_id, config=params, log_dir=run_dir)
    clock = time.perf_counter()
    with forwarding(run_id, hooks), _run_id_for_sandboxes(run_id):
        log = _inspect_eval(task, solver, config, run_dir)
    wall_time = time.perf_counter() - clock
    record = build_record(
        run_id=run_id,
        log=log,
        task_ref=config.task,
        params=params,
        plugins=used,
        started_at=started.isoformat(),
        completed_at=datetime.now(timezone.utc).isoformat(),
        wall_time=wall_time,
        hook_errors=[e.to_dict() for e in hooks.errors],
    )
    results_path = write_record(record, run_dir)
    hooks.call("harness_run_end", run_id=run_id, record=record, results_path=results_path)
    extra = hooks.call("harness_write_results", record=record, out_dir=run_dir)
    if len(hooks.errors) > len(record["hook_errors"]):  # rewrite so the record names every failed hook
        record["hook_errors"] = [e.to_dict() for e in hooks.errors]
        results_path = write_record(record, run_dir)
    return RunOutcome(record, results_path, _paths(extra))


def _build_task(
    config: RunConfig, registry: Registry, used: list[PluginEntry], resolved: dict[str, dict[str, Any]]
) -> Any:
    from inspect_ai import Task

    if is_task_file(config.task):
        if config.args.get("task") or config.raw_args.get("task"):
            raise HarnessError(f"YAML task '{config.task}' takes no task.* parameters; edit the file instead")
        return load_yaml_task(config.task, registry)
    entry = registry.resolve(PluginKind.TASK, config.task)
    factory = entry.load()
    args = typed_args(config, "task", params_schema(factory))
    resolved["task"] = dict(args)
    if config.simulator:
        args["simulator"] = _simulator(config, registry, factory, entry, used, resolved)
    task = call_factory(factory, args, f"task '{entry.qualified_name}'")
    if not isinstance(task, Task):
        raise PluginLoadError(
            f"task '{entry.qualified_name}' returned {type(task).__name__}, expected an inspect_ai.Task; "
            f"its factory '{entry.reference}' must return Task(...)"
        )
    used.insert(0, entry)
    if task.name == "task":  # built without @task: name it after the plugin, not inspect's placeholder
        from inspect_ai import task_with

        task = task_with(task, name=entry.name)
    return task


def _simulator(
    config: RunConfig,
    registry: Registry,
    factory: Any,
    entry: PluginEntry,
    used: list[PluginEntry],
    resolved: dict[str, dict[str, Any]],
) -> Any:
    if "simulator" not in params_schema(factory)["properties"]:
        raise HarnessError(f"task '{entry.qualified_name}' does not use a simulator; drop simulator=...")
    return _build(config, registry, PluginKind.SIMULATOR, config.simulator, used, resolved)


def _build(
    config: RunConfig,
    registry: Registry,
    kind: PluginKind,
    name: str | None,
    used: list[PluginEntry],
    resolved: dict[str, dict[str, Any]],
) -> Any:
    if name is None:
        return None
    file = None
    if kind is PluginKind.SCORER and is_scorer_file(name):
        file, name = name, scorer_plugin_for(name)
    entry = registry.resolve(kind, name)
    factory = entry.load()
    schema = params_schema(factory)
    if file is not None:
        if "path" not in schema["properties"]:
            raise HarnessError(f"scorer file {file} names '{entry.qualified_name}', which takes no path parameter")
        schema = {**schema, "required": [r for r in schema.get("required", []) if r != "path"]}
    args = typed_args(config, kind.value, schema)
    if file is not None:
        args["path"] = file
    resolved[kind.value] = dict(args)
    used.append(entry)
    return call_factory(factory, args, f"{kind.value} '{entry.qualified_name}'")


def _inspect_eval(task: Any, solver: Any, config: RunConfig, run_dir: Path) -> Any:
    from inspect_ai import eval as inspect_eval

    options = config.options
    kwargs = {key: options[key] for key in (*_GENERATE_KEYS, *_EVAL_KEYS) if key in options}
    if "sandbox" in options:
        kind, _, sandbox_config = options["sandbox"].partition(":")
        kwargs["sandbox"] = (kind, sandbox_config) if sandbox_config else kind
    if "sandbox_cleanup" in options:
        kwargs["sandbox_cleanup"] = options["sandbox_cleanup"]
    try:
        logs = inspect_eval(
            task,
            model=config.model,
            model_args=config.args.get("model", {}),
            solver=solver,
            log_dir=str(run_dir),
            **kwargs,
        )
    except HarnessError:
        raise
    except Exception as ex:  # inspect raises for bad model names, missing providers, keys...
        raise HarnessError(f"inspect could not run the evaluation: {type(ex).__name__}: {ex}") from ex
    return logs[0]


@contextmanager
def _run_id_for_sandboxes(run_id: str) -> Iterator[None]:
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


def _paths(values: list[Any]) -> list[Path]:
    paths: list[Path] = []
    for value in values:
        paths.extend(Path(v) for v in (value if isinstance(value, (list, tuple)) else [value]))
    return paths
