"""Planning a run: resolve every plugin a configuration names, type its parameters, build the Task.

A `RunPlan` is everything `execute` needs and nothing it has to look up again: the inspect Task
(with the chosen scorer), the solver, the plugins used with their typed parameters, the model
and its roles, and the keyword arguments for inspect's `eval`/`eval_set`. `harness eval`,
`harness eval-set` and every executor run plans, so overrides, hooks and records behave the
same wherever a run comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from harness._errors import HarnessError, PluginLoadError, PluginNotFoundError
from harness.config._run_config import RunConfig, run_schema, typed_args
from harness.declarative._scorer_file import is_scorer_file, scorer_plugin_for
from harness.declarative._task_file import is_task_file, load_yaml_task
from harness.plugins._factory import call_factory
from harness.plugins._inspect_tasks import (
    INSPECT_PREFIX,
    find_inspect_task,
    inspect_task_entries,
    inspect_task_factory,
    is_task_path,
    load_inspect_tasks,
    resolve_task_spec,
)
from harness.plugins._kinds import PluginKind
from harness.plugins._params import params_schema
from harness.plugins._registry import PluginEntry, Registry
from harness.run._inspect_args import inspect_eval_args

DEFAULT_LOG_DIR = "logs"


@dataclass(frozen=True)
class PlannedComponent:
    """One part of a run (task, solver, scorer or simulator) and how it is built.

    Attributes:
        kind: Which part it is.
        name: What the configuration named: a plugin name, `dist/name`, or a file.
        entry: The plugin that builds it; None for a YAML task file.
        args: The parameters passed to the plugin's factory, typed and validated.
    """

    kind: PluginKind
    name: str
    entry: PluginEntry | None
    args: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class RunPlan:
    """A run, fully resolved and ready to execute.

    Attributes:
        config: The validated configuration the plan was made from.
        task: The `inspect_ai.Task` to run, with the configuration's scorer (if any) in place.
        solver: The solver replacing the task's own, or None to keep it.
        components: The task, solver, scorer and simulator as configured, in that order.
        model: The inspect model string of the model under test.
        model_args: Arguments for that model's provider.
        model_roles: Other models by role (`grader`, `user`, ...), as inspect model strings.
        inspect_args: Keyword arguments for inspect's `eval` (limit, epochs, generation settings...).
        log_dir: Directory receiving the run's directory of logs and records.
    """

    config: RunConfig
    task: Any
    solver: Any | None
    components: tuple[PlannedComponent, ...]
    model: str
    model_args: Mapping[str, Any]
    model_roles: Mapping[str, str]
    inspect_args: Mapping[str, Any]
    log_dir: str

    @property
    def plugins(self) -> list[PluginEntry]:
        """The plugin distributions' entries this run uses, task first."""
        return [c.entry for c in self.components if c.entry is not None]

    @property
    def task_name(self) -> str:
        return str(self.task.name)

    def params(self) -> dict[str, Any]:
        """Every parameter of the run as the results record keeps it: plugin args typed, secrets redacted.

        A string under a secret-looking key (`api_key`, `token`, `password`...) reads `[redacted]`.
        """
        from harness.results._redact import redact

        params = self.config.to_dict()
        for component in self.components:
            if component.args:
                params[f"{component.kind.value}_args"] = dict(component.args)
        if self.model_args:
            params["model_args"] = dict(self.model_args)
        if self.model_roles:
            params["model_roles"] = {role: str(model) for role, model in self.model_roles.items()}
        return redact(params)


def plan(config: RunConfig, registry: Registry | None = None) -> RunPlan:
    """Resolve and build everything `config` names.

    Raises:
        HarnessError: An unknown, ambiguous or broken plugin, or parameters that do not fit it;
            the message names the plugin, the parameter and the fix.
    """
    registry = registry or Registry.from_environment()
    task_component, task, simulator_component = _task(config, registry)
    solver_component, solver = _component(config, registry, PluginKind.SOLVER, config.solver)
    scorer_component, scorer = _component(config, registry, PluginKind.SCORER, config.scorer)
    components = [task_component]
    for component in (solver_component, scorer_component, simulator_component):
        if component is not None:
            components.append(component)
    if scorer is not None:
        from inspect_ai import task_with

        task = task_with(task, scorer=scorer)
    return RunPlan(
        config=config,
        task=task,
        solver=solver,
        components=tuple(components),
        model=config.model,
        model_args=MappingProxyType(model_args(config)),
        model_roles=MappingProxyType(dict(config.model_roles)),
        inspect_args=MappingProxyType(inspect_eval_args(config.options, run_schema())),
        log_dir=str(config.options.get("log_dir", DEFAULT_LOG_DIR)),
    )


def model_args(config: RunConfig) -> dict[str, Any]:
    """The model provider's arguments: the file's `model_args`, then `model_args.KEY=VALUE` typed as YAML."""
    from harness.config._run_config import coerce

    values = dict(config.args.get("model", {}))
    for name, raw in config.raw_args.get("model", {}).items():
        values[name] = coerce(raw, {})
    return values


def _task(config: RunConfig, registry: Registry) -> tuple[PlannedComponent, Any, PlannedComponent | None]:
    """The task, and the simulator it was built with (a simulator is a task parameter)."""
    from inspect_ai import Task, task_with

    if is_task_file(config.task):
        if config.args.get("task") or config.raw_args.get("task"):
            raise HarnessError(f"YAML task '{config.task}' takes no task.* parameters; edit the file instead")
        if config.simulator:
            raise HarnessError(f"YAML task '{config.task}' does not use a simulator; drop simulator=...")
        return PlannedComponent(PluginKind.TASK, config.task, None), load_yaml_task(config.task, registry), None
    if config.task.startswith(INSPECT_PREFIX):
        return _inspect_task(config, registry, config.task[len(INSPECT_PREFIX) :])
    try:
        entry = registry.resolve(PluginKind.TASK, config.task)
    except PluginNotFoundError as missing:  # a harness plugin of the name wins; else inspect's task
        if is_task_path(config.task) or find_inspect_task(config.task):
            return _inspect_task(config, registry, config.task)
        raise PluginNotFoundError(_with_inspect_hint(str(missing), config.task)) from missing
    factory = entry.load()
    schema = params_schema(factory)
    args = typed_args(config, "task", schema)
    call_args = dict(args)
    simulator = None
    if config.simulator:
        if "simulator" not in schema["properties"]:
            raise HarnessError(f"task '{entry.qualified_name}' does not use a simulator; drop simulator=...")
        simulator, call_args["simulator"] = _build(config, registry, PluginKind.SIMULATOR, config.simulator)
    task = call_factory(factory, call_args, f"task '{entry.qualified_name}'")
    if not isinstance(task, Task):
        raise PluginLoadError(
            f"task '{entry.qualified_name}' returned {type(task).__name__}, expected an inspect_ai.Task; "
            f"its factory '{entry.reference}' must return Task(...)"
        )
    if task.name == "task":  # built without @task: name it after the plugin, not inspect's placeholder
        task = task_with(task, name=entry.name)
    return PlannedComponent(PluginKind.TASK, config.task, entry, MappingProxyType(args)), task, simulator


def _inspect_task(
    config: RunConfig, registry: Registry, spec: str
) -> tuple[PlannedComponent, Any, PlannedComponent | None]:
    """A task inspect itself knows: a file, a directory, or a name an installed package registers."""
    spec = resolve_task_spec(spec)
    factory = inspect_task_factory(spec)
    schema = params_schema(factory)
    args = typed_args(config, "task", schema)
    call_args = dict(args)
    simulator = None
    if config.simulator:
        if "simulator" not in schema["properties"]:
            raise HarnessError(f"inspect task '{spec}' does not use a simulator; drop simulator=...")
        simulator, call_args["simulator"] = _build(config, registry, PluginKind.SIMULATOR, config.simulator)
    tasks = load_inspect_tasks(spec, call_args)
    if len(tasks) != 1:
        names = ", ".join(t.name for t in tasks)
        raise HarnessError(f"'{spec}' holds {len(tasks)} tasks ({names}); choose one with task=FILE.py@NAME")
    known = find_inspect_task(spec) if "/" in spec and not is_task_path(spec) else None
    entry = (
        PluginEntry(PluginKind.TASK, known.name, known.reference, known.dist, known.version) if known else None
    )
    return PlannedComponent(PluginKind.TASK, config.task, entry, MappingProxyType(args)), tasks[0], simulator


def _with_inspect_hint(message: str, name: str) -> str:
    import difflib

    names = [e.name for e in inspect_task_entries()]
    close = difflib.get_close_matches(name, names, n=1)
    extra = f" An inspect task is close: '{close[0]}'." if close else ""
    return (
        f"{message.rstrip('.')}.{extra} Tasks can also be inspect task files (task=path/task.py[@name]) or names that "
        "installed packages register with inspect (task=inspect_evals/gsm8k; `harness list tasks` shows them)"
    )


def _component(
    config: RunConfig, registry: Registry, kind: PluginKind, name: str | None
) -> tuple[PlannedComponent | None, Any]:
    if name is None:
        return None, None
    component, value = _build(config, registry, kind, name)
    return component, value


def _build(config: RunConfig, registry: Registry, kind: PluginKind, name: str) -> tuple[PlannedComponent, Any]:
    entry, factory, args = _resolve(config, registry, kind, name)
    if kind is PluginKind.SCORER and is_scorer_file(name):
        args["path"] = name
    value = call_factory(factory, dict(args), f"{kind.value} '{entry.qualified_name}'")
    return PlannedComponent(kind, name, entry, MappingProxyType(args)), value


def _resolve(
    config: RunConfig, registry: Registry, kind: PluginKind, name: str
) -> tuple[PluginEntry, Any, dict[str, Any]]:
    file = None
    plugin_name = name
    if kind is PluginKind.SCORER and is_scorer_file(name):
        file, plugin_name = name, scorer_plugin_for(name)
    entry = registry.resolve(kind, plugin_name)
    factory = entry.load()
    schema = params_schema(factory)
    if file is not None:
        if "path" not in schema["properties"]:
            raise HarnessError(f"scorer file {file} names '{entry.qualified_name}', which takes no path parameter")
        schema = {**schema, "required": [r for r in schema.get("required", []) if r != "path"]}
    return entry, factory, typed_args(config, kind.value, schema)
