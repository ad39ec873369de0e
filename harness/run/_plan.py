"""Planning a run: resolve every plugin a configuration names, type its parameters, check it builds.

A `RunPlan` is everything a run needs and nothing it has to look up again: the plugins used with
their typed parameters, the model and its roles, the keyword arguments for inspect's `eval`, and
how to execute (in this process, in local workers, on Ray). It is plain data: it pickles, so it
is handed whole to worker processes, Ray tasks and eval sets, which build the inspect `Task` from
it (`plan.task`) without resolving anything again. `plan()` builds the task once, so a broken
plugin or a bad parameter stops the run before anything starts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

from harness._errors import ConfigError, HarnessError, PluginLoadError, PluginNotFoundError
from harness.config._run_config import RunConfig, run_schema
from harness.declarative._scorer_file import is_scorer_file, scorer_plugin_for
from harness.declarative._task_file import is_task_file, load_yaml_task
from harness.plugins._factory import ResolvedComponent, call_factory, resolve_component
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
from harness.run._models_check import check_model_providers
from harness.run._seats import SEAT_PREFIX, SeatSettings, one_process, seat_model, seated, survey_questions
from harness.run._session_order import has_sessions, session_order
from harness.run._tuning import Execution, execution_for

DEFAULT_LOG_DIR = "logs"

Source = Literal["plugin", "yaml", "inspect"]


@dataclass(frozen=True)
class PlannedComponent:
    """One part of a run (task, solver, scorer or simulator) and how it is built.

    Attributes:
        kind: Which part it is.
        name: What the configuration named: a plugin name, `dist/name`, or a file.
        entry: The plugin that builds it; None for a YAML task file or an inspect task file.
        args: The parameters passed to the plugin's factory, typed and validated.
        source: How it is built: a harness plugin's factory, a YAML task file, or inspect's
            own task loader (`spec` then names the file or registered task).
        spec: For `source="inspect"`, the task specification inspect loads.
    """

    kind: PluginKind
    name: str
    entry: PluginEntry | None
    args: Mapping[str, Any] = field(default_factory=dict)
    source: Source = "plugin"
    spec: str | None = None


@dataclass(frozen=True)
class RunPlan:
    """A run, fully resolved: plain data that pickles, from which the inspect task is built.

    Attributes:
        config: The validated configuration the plan was made from (kept for the run file and
            the record; nothing reads options from it).
        components: The task, solver, scorer and simulator as configured, in that order.
        model: The inspect model string of the model under test.
        model_args: Arguments for that model's provider.
        model_roles: Other models by role (`grader`, `user`, ...): an inspect model string, or for a
            harness simulator in a seat (`sim/NAME`) `{"model": "sim/NAME", "model_args": {...}}`
            with the simulator's typed settings (`simulator.KEY=...`).
        inspect_args: Keyword arguments for inspect's `eval` (limit, epochs, generation settings...).
        log_dir: Directory receiving the run's directory of logs and records.
        execution: Where the samples run (this process, local workers or Ray) and the tuning chosen.
        label: A display name replacing the task's (an eval-set grid point's `task[k=v]`).
        disabled: Plugins disabled for the run (`-p no:NAME`), for building YAML tasks' parts.
        user_memory: For session tasks: files seeding (`load`) and receiving (`save`) users' memories.
        survey: Questions the user seat's occupant rates each conversation on (`survey=`), or None.
    """

    config: RunConfig
    components: tuple[PlannedComponent, ...]
    model: str
    model_args: Mapping[str, Any]
    model_roles: Mapping[str, Any]
    inspect_args: Mapping[str, Any]
    log_dir: str
    execution: Execution = field(default_factory=Execution)
    label: str | None = None
    disabled: tuple[str, ...] = ()
    user_memory: Mapping[str, str] = field(default_factory=dict)
    survey: tuple[Any, ...] | None = None

    @cached_property
    def task(self) -> Any:
        """The `inspect_ai.Task` to run, built from the components (once per process)."""
        return _build_task(self)

    @cached_property
    def solver(self) -> Any | None:
        """The solver replacing the task's own, or None to keep it."""
        component = self.component(PluginKind.SOLVER)
        return None if component is None else _with_survey(_build(component), self.survey)

    def component(self, kind: PluginKind) -> PlannedComponent | None:
        """The planned component of a kind, or None when the run has none."""
        return next((c for c in self.components if c.kind is kind), None)

    @property
    def plugins(self) -> list[PluginEntry]:
        """The plugin distributions' entries this run uses, task first."""
        return [c.entry for c in self.components if c.entry is not None]

    @property
    def task_name(self) -> str:
        return str(self.task.name)

    def with_label(self, label: str | None) -> "RunPlan":
        """The same run under another task display name."""
        if not label:
            return self
        relabelled = replace(self, label=label)
        if "task" in self.__dict__:  # already built: rename it rather than build it again
            from inspect_ai import task_with

            relabelled.__dict__["task"] = task_with(self.__dict__["task"], name=label)
        if "solver" in self.__dict__:
            relabelled.__dict__["solver"] = self.__dict__["solver"]
        return relabelled

    def with_log_dir(self, log_dir: str) -> "RunPlan":
        """The same run writing under another log directory."""
        options = {**self.config.options, "log_dir": log_dir}
        moved = replace(self, log_dir=log_dir, config=replace(self.config, options=options))
        moved.__dict__.update({k: v for k, v in self.__dict__.items() if k in ("task", "solver")})
        return moved

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
            params["model_roles"] = {role: _role_model(spec) for role, spec in self.model_roles.items()}
            seats = {role: dict(spec) for role, spec in self.model_roles.items() if isinstance(spec, Mapping)}
            if seats:
                params["seats"] = seats
        if self.execution.tuned:
            params["chosen_by_harness"] = list(self.execution.tuned)
        return redact(params)

    def __getstate__(self) -> dict[str, Any]:
        # the built task and solver are live objects: a plan crosses processes as data and is built again there
        return {k: v for k, v in self.__dict__.items() if k not in ("task", "solver")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def plan(config: RunConfig, registry: Registry | None = None) -> RunPlan:
    """Resolve and build everything `config` names.

    Raises:
        HarnessError: An unknown, ambiguous or broken plugin, or parameters that do not fit it;
            the message names the plugin, the parameter and the fix.
    """
    registry = registry or Registry.from_environment()
    roles = [(f"model_roles.{role}", str(model)) for role, model in config.model_roles.items()]
    check_model_providers([("model", config.model), *roles])
    _check_settings_have_a_component(config)
    components = [_task_component(config, registry)]
    simulator = _component(config, registry, PluginKind.SIMULATOR, config.simulator)
    if simulator is not None and "simulator" not in _task_parameters(components[0]):
        raise HarnessError(f"{_task_what(components[0])} does not use a simulator; drop simulator=...")
    for kind, name in ((PluginKind.SOLVER, config.solver), (PluginKind.SCORER, config.scorer)):
        found = _component(config, registry, kind, name)
        if found is not None:
            components.append(found)
    if simulator is not None:
        components.append(simulator)
    draft = RunPlan(
        config=config,
        components=tuple(components),
        model=config.model,
        model_args=_model_under_test_args(config, registry),
        model_roles=_model_roles(config, registry),
        inspect_args=inspect_eval_args(config.options, run_schema()),
        log_dir=str(config.options.get("log_dir", DEFAULT_LOG_DIR)),
        disabled=tuple(sorted(registry.disabled)),
        user_memory=dict(config.options.get("user_memory") or {}),
        survey=survey_questions(config.options),
    )
    task, solver = draft.task, draft.solver  # built now: a broken plugin or bad parameter stops the run here
    if has_sessions(task.dataset):
        session_order(list(task.dataset))  # bad session metadata stops the run here
    execution, inspect_args = execution_for(config.options, draft.inspect_args, task, one_process(config.options))
    result = replace(draft, execution=execution, inspect_args=inspect_args)
    result.__dict__.update(task=task, solver=solver)  # the same components: keep what was built
    return result


def _check_settings_have_a_component(config: RunConfig) -> None:
    """`solver.X=`, `scorer.X=` or `simulator.X=` without the component they belong to would be dropped unseen.

    Raises:
        ConfigError: Naming the settings and the component to choose.
    """
    # a simulator seated in a role takes the simulator.* settings; one in the model's place does not (see seat_model)
    in_a_role = any(_role_model(spec).startswith(SEAT_PREFIX) for spec in config.model_roles.values())
    chosen = {"solver": config.solver, "scorer": config.scorer, "simulator": config.simulator or in_a_role}
    for kind, named in chosen.items():
        keys = sorted({*config.args.get(kind, {}), *config.raw_args.get(kind, {})})
        if keys and not named:
            given = ", ".join(f"{kind}.{key}" for key in keys)
            raise ConfigError(
                f"{given} set but no {kind} chosen, so nothing would use it: add {kind}=NAME "
                f"(`harness list {kind}s` shows the names), or drop {given}"
            )


def model_args(config: RunConfig) -> dict[str, Any]:
    """The model provider's arguments: the file's `model_args`, then `model_args.KEY=VALUE` typed as YAML."""
    from harness.config._run_config import coerce

    values = dict(config.args.get("model", {}))
    for name, raw in config.raw_args.get("model", {}).items():
        values[name] = coerce(raw, {})
    return values


def _model_under_test_args(config: RunConfig, registry: Registry) -> dict[str, Any]:
    """The model's provider arguments; for a simulator in the model's place (`model=sim/human`), its settings too."""
    given = model_args(config)
    if not config.model.startswith(SEAT_PREFIX):
        return given
    return {**seat_model(config, registry, config.model, "agent")["model_args"], **given}


def _model_roles(config: RunConfig, registry: Registry) -> dict[str, Any]:
    """The roles' models; a simulator seated in a role gets the `simulator.KEY=` settings, typed by its plugin."""
    return {
        role: seat_model(config, registry, str(model), "user") if str(model).startswith(SEAT_PREFIX) else model
        for role, model in config.model_roles.items()
    }


def _role_model(spec: Any) -> str:
    return str(spec["model"]) if isinstance(spec, Mapping) else str(spec)


def _task_component(config: RunConfig, registry: Registry) -> PlannedComponent:
    if is_task_file(config.task):
        if config.args.get("task") or config.raw_args.get("task"):
            raise HarnessError(f"YAML task '{config.task}' takes no task.* parameters; edit the file instead")
        return PlannedComponent(PluginKind.TASK, config.task, None, source="yaml")
    if config.task.startswith(INSPECT_PREFIX):
        return _inspect_component(config, config.task[len(INSPECT_PREFIX) :])
    try:
        resolved = resolve_component(
            registry,
            PluginKind.TASK,
            config.task,
            config.args.get("task"),
            config.raw_args.get("task"),
            supplied=("simulator",),
        )
    except PluginNotFoundError as missing:  # a harness plugin of the name wins; else inspect's task
        if is_task_path(config.task) or find_inspect_task(config.task):
            return _inspect_component(config, config.task)
        raise PluginNotFoundError(_with_inspect_hint(str(missing), config.task)) from missing
    return _planned(PluginKind.TASK, config.task, resolved)


def _inspect_component(config: RunConfig, spec: str) -> PlannedComponent:
    """A task inspect itself knows: a file, a directory, or a name an installed package registers."""
    from harness.config._run_config import coerce
    from harness.config._validation import validate

    spec = resolve_task_spec(spec)
    schema = params_schema(inspect_task_factory(spec))
    schema = {**schema, "required": [r for r in schema.get("required", []) if r != "simulator"]}
    args = dict(config.args.get("task", {}))
    for key, text in config.raw_args.get("task", {}).items():
        args[key] = coerce(text, schema.get("properties", {}).get(key, {}))
    validate(args, schema, prefix="task.")
    known = find_inspect_task(spec) if "/" in spec and not is_task_path(spec) else None
    entry = PluginEntry(PluginKind.TASK, known.name, known.reference, known.dist, known.version) if known else None
    return PlannedComponent(PluginKind.TASK, config.task, entry, args, source="inspect", spec=spec)


def _component(config: RunConfig, registry: Registry, kind: PluginKind, name: str | None) -> PlannedComponent | None:
    if name is None:
        return None
    plugin_name, supplied = name, tuple[str, ...]()
    if kind is PluginKind.SCORER and is_scorer_file(name):
        plugin_name, supplied = scorer_plugin_for(name), ("path",)
    resolved = resolve_component(
        registry, kind, plugin_name, config.args.get(kind.value), config.raw_args.get(kind.value), supplied=supplied
    )
    if kind is PluginKind.SIMULATOR:
        resolved.args.update(
            seated(resolved.entry.name, resolved.args, SeatSettings.from_options(config.options), "user")
        )
    if supplied:
        if "path" not in resolved.schema.get("properties", {}):
            plugin = resolved.entry.qualified_name
            raise HarnessError(f"scorer file {name} names '{plugin}', which takes no path parameter")
        resolved.args["path"] = name
    return _planned(kind, name, resolved)


def _planned(kind: PluginKind, name: str, resolved: ResolvedComponent) -> PlannedComponent:
    return PlannedComponent(kind, name, resolved.entry, resolved.args)


def _task_parameters(component: PlannedComponent) -> Mapping[str, Any]:
    if component.source == "yaml":
        return {}
    if component.source == "inspect":
        return params_schema(inspect_task_factory(str(component.spec)))["properties"]
    assert component.entry is not None
    return params_schema(component.entry.load())["properties"]


def _task_what(component: PlannedComponent) -> str:
    if component.source == "yaml":
        return f"YAML task '{component.name}'"
    if component.source == "inspect":
        return f"inspect task '{component.spec}'"
    assert component.entry is not None
    return f"task '{component.entry.qualified_name}'"


def _build(component: PlannedComponent, **supplied: Any) -> Any:
    """A solver, scorer or simulator (or a plugin task) from its plugin's factory."""
    assert component.entry is not None
    what = f"{component.kind.value} '{component.entry.qualified_name}'"
    return call_factory(component.entry.load(), {**component.args, **supplied}, what)


def _build_task(run: RunPlan) -> Any:
    """The inspect Task of a plan: built by its source, with the simulator, scorer and label in place."""
    from inspect_ai import Task, task_with

    component = run.components[0]
    simulator = run.component(PluginKind.SIMULATOR)
    supplied = {"simulator": _build(simulator)} if simulator is not None else {}
    if component.source == "yaml":
        limit = None if run.inspect_args.get("sample_id") is not None else run.inspect_args.get("limit")
        task = load_yaml_task(component.name, Registry.from_environment(run.disabled), limit=limit)
    elif component.source == "inspect":
        task = _load_inspect_task(str(component.spec), {**component.args, **supplied})
    else:
        task = _build(component, **supplied)
        assert component.entry is not None
        if not isinstance(task, Task):
            raise PluginLoadError(
                f"task '{component.entry.qualified_name}' returned {type(task).__name__}, expected an inspect_ai.Task; "
                f"its factory '{component.entry.reference}' must return Task(...)"
            )
        if task.name == "task":  # built without @task: name it after the plugin, not inspect's placeholder
            task = task_with(task, name=component.entry.name)
    scorer = run.component(PluginKind.SCORER)
    if scorer is not None:
        task = task_with(task, scorer=_build(scorer))
    if run.survey:
        task = task_with(task, solver=_with_survey(task.solver, run.survey))
    if run.label:
        task = task_with(task, name=run.label)
    return task


def _with_survey(solver: Any, questions: tuple[Any, ...] | None) -> Any:
    """`solver`, then the survey of the user seat's occupant (when the run asks for one)."""
    if not questions:
        return solver
    from inspect_ai.solver import chain

    from harness.simulation._survey import seat_survey

    return chain(solver, seat_survey(questions))


def _load_inspect_task(spec: str, args: dict[str, Any]) -> Any:
    tasks = load_inspect_tasks(spec, args)
    if len(tasks) != 1:
        names = ", ".join(t.name for t in tasks)
        raise ConfigError(f"'{spec}' holds {len(tasks)} tasks ({names}); choose one with task=FILE.py@NAME")
    return tasks[0]


def _with_inspect_hint(message: str, name: str) -> str:
    import difflib

    from harness.plugins._known import missing_package_for_task

    package = missing_package_for_task(name)
    if package is not None:
        return f"task '{name}' comes with {package.dist}, which is not installed: {package.install}"
    names = [e.name for e in inspect_task_entries()]
    close = difflib.get_close_matches(name, names, n=1)
    extra = f" An inspect task is close: '{close[0]}'." if close else ""
    return (
        f"{message.rstrip('.')}.{extra} Tasks can also be inspect task files (task=path/task.py[@name]) or names that "
        "installed packages register with inspect (task=inspect_evals/gsm8k; `harness list tasks` shows them)"
    )
