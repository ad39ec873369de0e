"""Tasks that installed packages register with inspect itself, and inspect task files.

Packages such as `inspect-evals` register their tasks with inspect through the `inspect_ai`
entry-point group: the entry point names a module that imports every `@task` function, and
inspect calls them `PACKAGE/NAME` (`inspect_evals/gsm8k`). Listing reads those modules' source
(following re-exports, as plugin summaries do) and keeps the result in the cache until a file
changes, so `harness list` imports nothing. Building a task goes through inspect's own loader.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from harness._cache import StampedCache, cache_dir
from harness._errors import ConfigError, PluginLoadError
from harness.plugins._summaries import _absolute, _is_package, _parse, _spec

INSPECT_PREFIX = "inspect:"
"""`task=inspect:NAME` takes NAME from inspect even when a harness plugin has the same name."""

_MAX_HOPS = 4


@dataclass(frozen=True)
class InspectTaskEntry:
    """A task some installed package registers with inspect.

    Attributes:
        name: inspect's registry name, `PACKAGE/TASK` (e.g. `inspect_evals/gsm8k`).
        reference: Where the task function is defined, `module:function`.
        dist: The distribution that registers it.
        version: That distribution's version.
        summary: The first line of the task function's docstring.
    """

    name: str
    reference: str
    dist: str
    version: str
    summary: str


def is_task_path(name: str) -> bool:
    """Whether `task=NAME` is an inspect task file or directory (`task.py`, `task.py@name`, `dir/`)."""
    path = name.split("@", 1)[0]
    return path.endswith(".py") or (Path(path).is_dir() and not path.endswith((".yaml", ".yml")))


def inspect_task_entries() -> list[InspectTaskEntry]:
    """Every task registered with inspect by an installed package, read from source (cached)."""
    cache = StampedCache(cache_dir("inspect-tasks.json"))
    entries: list[InspectTaskEntry] = []
    seen: set[str] = set()
    for dist in metadata.distributions():
        text = dist.read_text("entry_points.txt") or ""
        if "[inspect_ai]" not in text:
            continue
        name, version = dist.metadata["Name"], dist.version
        if name in seen or name == "plugeval":
            continue
        seen.add(name)
        for ep in dist.entry_points:
            if ep.group == "inspect_ai":
                entries += _cached_tasks(cache, ep.value.partition(":")[0], name, version)
    cache.save()
    return sorted(entries, key=lambda e: e.name)


def find_inspect_task(name: str) -> InspectTaskEntry | None:
    """The installed inspect task registered as `name` (`PACKAGE/TASK`), if any."""
    return next((e for e in inspect_task_entries() if e.name == name), None)


def load_inspect_tasks(spec: str, args: dict[str, Any]) -> list[Any]:
    """Build the inspect Task(s) `spec` names, with inspect's own loader (files, directories, registry).

    Raises:
        ConfigError: No task there (a file without `@task`, an unknown name).
        PluginLoadError: The file or package fails to import or the task function raises.
    """
    from inspect_ai._eval.loader import load_task_spec  # private: the loader `inspect eval` uses

    path = spec.split("@", 1)[0]
    if path.endswith(".py") and not Path(path).is_file():
        raise ConfigError(f"inspect task file '{path}' does not exist")
    try:
        tasks = load_task_spec(spec, args)
    except (ConfigError, PluginLoadError):
        raise
    except Exception as ex:  # the task's own module or function can fail in any way
        message = f"inspect task '{spec}' failed to load: {type(ex).__name__}: {ex}"
        if _is_unreachable_dataset(ex):
            message += (
                ". The task downloads its dataset (Hugging Face); without network, fetch it once where there is "
                "network into the Hugging Face cache (HF_HOME, or HF_DATASETS_CACHE) and run with HF_HUB_OFFLINE=1"
            )
        raise PluginLoadError(message) from ex
    if not tasks:
        raise ConfigError(f"'{spec}' defines no inspect task (no function decorated with @task)")
    return tasks


def _is_unreachable_dataset(error: BaseException) -> bool:
    text = f"{type(error).__name__}: {error}"
    return any(
        word in text for word in ("Couldn't reach", "OfflineModeIsEnabled", "ConnectionError", "LocalEntryNotFound")
    )


def resolve_task_spec(spec: str) -> str:
    """`dir/` or `file.py` with one task → `file.py@name`; registry names unchanged.

    Raises:
        ConfigError: The directory or file holds no task, or several (the message lists them).
    """
    path, _, task_name = spec.partition("@")
    if task_name or not (path.endswith(".py") or Path(path).is_dir()):
        return spec
    if path.endswith(".py"):
        if not Path(path).is_file():
            raise ConfigError(f"inspect task file '{path}' does not exist")
        files = [Path(path)]
    else:
        files = sorted(f for f in Path(path).rglob("*.py") if not any(part.startswith(".") for part in f.parts))
    found = [(file, name) for file in files for name in task_functions_in(file)]
    if len(found) != 1:
        names = [f"{file}@{name}" if len(files) > 1 else name for file, name in found]
        raise ConfigError(_choose(path, names) if names or len(files) == 1 else f"'{path}' holds no inspect task")
    file, name = found[0]
    return f"{file}@{name}"


def inspect_task_factory(spec: str) -> Any:
    """The `@task` function behind `spec` (for its parameters), importing what defines it.

    Raises:
        ConfigError: `spec` names no task.
    """
    from inspect_ai._eval.loader import load_file_tasks  # private: registers a file's tasks
    from inspect_ai._util.registry import registry_lookup  # private: inspect's registry

    path, _, task_name = resolve_task_spec(spec).partition("@")
    if path.endswith(".py"):
        if not Path(path).is_file():
            raise ConfigError(f"inspect task file '{path}' does not exist")
        try:
            load_file_tasks(Path(path).absolute())
        except Exception as ex:  # the file's own imports can fail in any way
            raise PluginLoadError(f"inspect task file '{path}' failed to import: {type(ex).__name__}: {ex}") from ex
        if task_name not in task_functions_in(Path(path)):
            raise ConfigError(_choose(path, task_functions_in(Path(path))))
        spec = task_name
    factory = registry_lookup("task", spec)
    if factory is None:
        raise ConfigError(f"no inspect task '{spec}'")
    return factory


def task_functions_in(path: Path) -> list[str]:
    """Names of the `@task` functions defined in a Python file (read, not imported).

    Raises:
        ConfigError: The file is not valid Python; the message names `file:line` and the error.
    """
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as ex:
        where = f"{path}:{ex.lineno}" if ex.lineno else str(path)
        code = f" ({ex.text.strip()})" if ex.text and ex.text.strip() else ""
        raise ConfigError(f"inspect task file {where}: {ex.msg}{code}; fix the file") from ex
    except (OSError, UnicodeDecodeError):
        return []
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_task(n)]


def _choose(path: str, names: list[str]) -> str:
    if not names:
        return f"'{path}' defines no inspect task (no function decorated with @task)"
    return f"'{path}' defines {len(names)} tasks ({', '.join(names)}); choose one: task={path}@{names[0]}"


def _is_task(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
        if name == "task":
            return True
    return False


def _definition(module: str, attr: str, hops: int, sources: list[str]) -> tuple[str, Any] | None:
    """(module, def node) of `module.attr`, following `from x import attr` re-exports."""
    tree = _parse(module)
    spec = _spec(module)
    if spec is not None and spec.origin:
        sources.append(spec.origin)
    if tree is None:
        return None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == attr:
            return module, node
        if isinstance(node, ast.ImportFrom) and hops > 0:
            for alias in node.names:
                if (alias.asname or alias.name) == attr:
                    source = _absolute(module, node.module, node.level, _is_package(module))
                    return _definition(source, alias.name, hops - 1, sources)
    return None


def _registered(module: str, sources: list[str]) -> list[tuple[str, str, str]]:
    """(task name, module:function, summary) of each @task the registry module imports or defines."""
    tree = _parse(module)
    spec = _spec(module)
    if spec is not None and spec.origin:
        sources.append(spec.origin)
    if tree is None:
        return []
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            names += [alias.asname or alias.name for alias in node.names if alias.name != "*"]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.append(node.name)
    found = []
    for name in names:
        try:
            definition = _definition(module, name, _MAX_HOPS, sources)
        except (OSError, SyntaxError, ValueError, ImportError):
            continue
        if definition is None or not _is_task(definition[1]):
            continue
        doc = ast.get_docstring(definition[1]) or ""
        found.append(
            (name, f"{definition[0]}:{definition[1].name}", doc.strip().splitlines()[0] if doc.strip() else "")
        )
    return found


def _cached_tasks(cache: StampedCache, module: str, dist: str, version: str) -> list[InspectTaskEntry]:
    """The tasks a registry module defines, from the cache while its source files are unchanged."""
    found = cache.get(module, version=version)
    if found is None:
        sources: list[str] = []
        found = _registered(module, sources)
        cache.put(module, found, sources, version=version)
    package = module.split(".")[0]
    return [
        InspectTaskEntry(f"{package}/{name}", reference, dist, version, summary) for name, reference, summary in found
    ]
