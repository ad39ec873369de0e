"""What the CLI prints: plugin listings, plugin info and run summaries."""

from __future__ import annotations

import sys
from typing import Any

from harness.plugins._summaries import SummaryCache, summary_line
from harness._errors import AmbiguousPluginError, HarnessError, PluginLoadError
from harness.plugins._kinds import COMPONENT_KINDS, PluginKind
from harness.plugins._registry import PluginEntry, Registry


def print_listing(registry: Registry, kind: PluginKind | None, check: bool = False) -> int:
    """Print installed plugins; with `check`, import each and mark those that fail. Returns the exit code."""
    kinds = [kind] if kind else [*COMPONENT_KINDS, PluginKind.HOOKS]
    any_broken = False
    summaries = SummaryCache()
    for current in kinds:
        entries = registry.entries(current)
        print(f"{current.plural} ({len(entries)})")
        if not entries:
            print("  (none installed)")
        names = [e.name for e in entries]
        width = max([len(_display_name(e, names)) for e in entries] + [4])
        for entry in entries:
            problem = entry.problem or (_load_problem(entry) if check else None)
            any_broken |= problem is not None
            status = f"BROKEN: {problem}" if problem else summary_line(entry.reference, summaries)
            source = f"{entry.dist} {entry.version}"
            print(f"  {_display_name(entry, names):<{width}}  {source:<28}  {status}")
    summaries.save()
    if kind is None:
        any_broken |= print_commands(registry.disabled, check=check)
    if PluginKind.TASK in kinds:
        _print_inspect_tasks()
    return 1 if check and any_broken else 0


BUILT_IN_NAMES = frozenset(
    {"eval", "eval-set", "list", "info", "compare", "leaderboard", "usi", "ci", "new", "sandbox", "cache"}
)


def print_commands(disabled: Any = (), check: bool = False) -> bool:
    """Print the commands plugins add (`harness.commands`), clashes marked; True when one is broken or clashes."""
    from harness.cli._plugin_commands import clash_message, plugin_commands

    found = plugin_commands(disabled)
    print(f"commands ({len(found)})")
    if not found:
        print("  (none installed)")
    width = max([len(c.name) for c in found] + [4])
    summaries = SummaryCache()
    broken = False
    for command in found:
        same = [c for c in found if c.name == command.name]
        problem = (
            clash_message(same)
            if len(same) > 1
            else f"the built-in `harness {command.name}` has the name; this command cannot run"
            if command.name in BUILT_IN_NAMES
            else (_command_problem(command) if check else None)
        )
        broken |= problem is not None
        status = f"BROKEN: {problem}" if problem else summary_line(command.value, summaries)
        print(f"  {command.name:<{width}}  {command.dist + ' ' + command.version:<28}  {status}")
    summaries.save()
    return broken


def _command_problem(command: Any) -> str | None:
    try:
        main = command.entry_point.load()
    except Exception as ex:
        return f"failed to import: {type(ex).__name__}: {ex}"
    return None if callable(main) else f"{command.value} is not callable"


def _print_inspect_tasks() -> None:
    """Tasks installed packages register with inspect (task=PACKAGE/NAME), read from source."""
    from harness.plugins._inspect_tasks import inspect_task_entries

    entries = inspect_task_entries()
    if not entries:
        return
    print(f"inspect tasks ({len(entries)}; task=NAME, or task=inspect:NAME when a harness task has the name)")
    width = max(len(e.name) for e in entries)
    for entry in entries:
        source = f"{entry.dist} {entry.version}"
        print(f"  {entry.name:<{width}}  {source:<28}  {entry.summary}")


def _display_name(entry: PluginEntry, names: list[str]) -> str:
    return entry.qualified_name if names.count(entry.name) > 1 else entry.name


def _load_problem(entry: PluginEntry) -> str | None:
    try:
        entry.load()
    except PluginLoadError as ex:
        return str(ex).split(": ", 1)[-1] if "failed to load" not in str(ex) else str(ex).split(" from ", 1)[-1]
    return None


def print_info(registry: Registry, name: str, kind_name: str | None) -> int:
    """Print a plugin's source, docs and parameters (harness plugins, YAML task files, inspect tasks)."""
    from harness.declarative._task_file import is_task_file
    from harness.plugins._inspect_tasks import INSPECT_PREFIX, find_inspect_task, inspect_task_factory, is_task_path

    if is_task_file(name):
        return _print_task_file(name)
    if name.startswith(INSPECT_PREFIX) or ((kind_name in (None, "task")) and _is_inspect_only(registry, name)):
        spec = name.removeprefix(INSPECT_PREFIX)
        known = find_inspect_task(spec) if not is_task_path(spec) else None
        where = f"{known.dist} {known.version}, {known.reference}" if known else f"inspect task file {spec}"
        return _print_factory("task", spec, where, inspect_task_factory(spec))
    entry = _find(registry, name, kind_name)
    return _print_factory(
        entry.kind.value, entry.name, f"{entry.dist} {entry.version}, {entry.reference}", entry.load()
    )


def _is_inspect_only(registry: Registry, name: str) -> bool:
    from harness.plugins._inspect_tasks import find_inspect_task, is_task_path

    if any(e.name == name or e.qualified_name == name for e in registry.entries()):
        return False
    return is_task_path(name) or find_inspect_task(name) is not None


def _print_factory(kind: str, name: str, where: str, factory: Any) -> int:
    import inspect

    from harness.plugins._params import accepts_extra_params, factory_params

    print(f"{kind} {name}  ({where})")
    print()
    print("  " + _description(inspect.getdoc(factory) or "").replace("\n", "\n  "))
    params = factory_params(factory)
    print()
    print("parameters:" if params else "parameters: none")
    for param in params:
        words = _schema_words(param.schema)
        default = "required" if param.required else f"default {param.default!r}"
        print(f"  {kind}.{param.name}  ({words}; {default})")
        if param.doc:
            print(f"      {param.doc}")
    if accepts_extra_params(factory):
        print("  (also accepts other keyword parameters)")
    return 0


def _description(doc: str) -> str:
    """A docstring without its parameter, returns and raises sections (any common style)."""
    import docstring_parser

    try:
        parsed = docstring_parser.parse(doc)
    except docstring_parser.ParseError:
        return doc or "(no docstring)"
    parts = [p for p in (parsed.short_description, parsed.long_description) if p]
    return "\n\n".join(parts) or "(no docstring)"


def _find(registry: Registry, name: str, kind_name: str | None) -> PluginEntry:
    kinds = [PluginKind(kind_name)] if kind_name else list(COMPONENT_KINDS)
    found, errors = [], []
    for kind in kinds:
        try:
            found.append(registry.resolve(kind, name))
        except HarnessError as ex:
            errors.append(ex)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        options = ", ".join(f"--kind {e.kind.value}" for e in found)
        raise HarnessError(f"'{name}' names plugins of several kinds; add one of: {options}")
    ambiguous = [e for e in errors if isinstance(e, AmbiguousPluginError)]
    raise (
        (ambiguous or errors)[0]
        if kind_name or ambiguous
        else HarnessError(f"no plugin named '{name}'; see `harness list`")
    )


def _schema_words(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return "one of " + ", ".join(repr(v) for v in schema["enum"])
    if "anyOf" in schema:
        return " or ".join(_schema_words(option) for option in schema["anyOf"])
    return str(schema.get("type", "any"))


def _print_task_file(path: str) -> int:
    from harness.declarative._task_file import read_task_file

    document = read_task_file(path)
    spec = document.data
    print(f"task {spec['name']}  (YAML file {document.path})")
    if spec.get("description"):
        print(f"\n  {spec['description']}")
    source = spec["dataset"].get("path") or f"hf:{spec['dataset'].get('hf')}"
    print(f"\ndataset: {source}  target field: {spec['dataset']['target']}")
    print(f"scorer: {spec.get('scorer', 'match')}  solver: {spec.get('solver', 'generate')}")
    print("parameters: none (edit the file)")
    return 0


def print_outcome(outcome: Any) -> None:
    """Print a run's metrics with their uncertainty and where the results are."""
    record = outcome.record
    print()
    print(f"run {record['run_id']}: {record['task']['name']} on {record['model']} — {record['status']}")
    samples = record["samples"]
    print(
        f"samples: {samples['completed']}/{samples['total']} completed, {_sample_problems(samples)}, "
        f"epochs {samples['epochs']}; tokens: {record['tokens']['total']}; wall time {record['wall_time_seconds']:.1f}s"
    )
    for cause in record.get("infra_errors") or []:
        print(f"  infrastructure error ×{cause.get('count', 1)}: {cause.get('cause', cause)}", file=sys.stderr)
    for metric in record["metrics"]:
        print("  " + format_metric(metric))
    if record["status"] == "cancelled":
        print(
            f"interrupted: metrics are over the {samples['completed']} completed samples; the inspect log keeps them",
            file=sys.stderr,
        )
    if record.get("error"):
        print(f"error: {record['error']}", file=sys.stderr)
    print(f"results: {_absolute(outcome.results_path)}")
    if record.get("inspect_log"):
        print(f"inspect log: {_absolute(record['inspect_log'])}  (view with `inspect view`)")
    for path in outcome.extra_paths:
        print(f"also written: {_absolute(path)}")


def print_eval_set(outcome: Any) -> None:
    """Print each run of an eval set with its scores (read from its record) and where the index is."""
    notes = {
        "cancelled": "  (interrupted; re-run to resume)",
        "error": "  (some tasks did not finish; re-run to resume)",
    }
    for run in outcome.runs:
        print(f"{run['status']:<10}{run['task']} on {run['model']}")
        metrics = _record_metrics(run.get("record"))
        for metric in metrics:
            print("  " + format_metric(metric))
        if run.get("record"):
            print(f"  results: {_absolute(run['record'])}")
        elif run.get("error"):
            print(f"  error: {run['error']}")
    print(f"index: {_absolute(outcome.index_path)}" + notes.get(outcome.status, ""))


def _record_metrics(path: str | None) -> list[dict[str, Any]]:
    """The metrics of a results record, or none when it cannot be read (the run's status says why)."""
    import json
    from pathlib import Path

    if not path:
        return []
    try:
        return list(json.loads(Path(path).read_text(encoding="utf-8")).get("metrics") or [])
    except (OSError, ValueError):
        return []


def _absolute(path: Any) -> str:
    """A local path made absolute; a remote one (s3://...) as it is."""
    from pathlib import Path

    text = str(path)
    return text if "://" in text else str(Path(text).resolve())


def _sample_problems(samples: dict[str, Any]) -> str:
    """`N errors (K infrastructure), C cancelled, R not run, F flaky`, leaving out what is zero (schema 1 has none)."""
    errors = f"{samples['errors']} errors"
    if samples.get("infra_errors"):
        errors += f" ({samples['infra_errors']} infrastructure)"
    extra = [f"{samples[key]} {label}" for key, label in (("cancelled", "cancelled"), ("not_run", "not run"),
                                                          ("flaky", "flaky")) if samples.get(key)]
    return ", ".join([errors, *extra])


def format_metric(metric: dict[str, Any]) -> str:
    """`scorer/metric = value ± stderr  95% CI [lo, hi]  n=N` with n/a where unknown.

    A standard error of 0 beside an interval that is not a point (a pass/fail rate of 0 or 1, whose
    Wilson interval is wide) is left out: "± 0.000" would claim a certainty the interval denies.
    """
    value = "n/a" if metric["value"] is None else f"{metric['value']:.3f}"
    ci95 = metric["ci95"]
    ci = "n/a" if ci95 is None else f"[{ci95[0]:.3f}, {ci95[1]:.3f}]"
    name = f"{metric['scorer']}/{metric['name']}"
    if metric["stderr"] is None:
        spread = " ± n/a"
    elif metric["stderr"] == 0 and ci95 is not None and ci95[0] != ci95[1]:
        spread = ""
    else:
        spread = f" ± {metric['stderr']:.3f}"
    return f"{name} = {value}{spread}  95% CI {ci} ({metric['ci_method']})  n={metric['n']}"
