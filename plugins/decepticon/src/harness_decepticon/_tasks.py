"""Loading tasks: JSON files checked against the shipped schema, then against their site."""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

from harness import ConfigError

from ._model import DecepticonTask
from ._site import load_site, resolve_site_dir, template_exists
from ._state import deep_merge

SHIPPED = "shipped"
MAX_REPORTED = 8


@functools.lru_cache(maxsize=1)
def task_schema() -> dict[str, Any]:
    """The task JSON Schema shipped in the package."""
    text = (resources.files("harness_decepticon") / "schemas" / "task.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def shipped_tasks_path() -> Path:
    """The shipped seeded task set (made by `harness decepticon generate --shipped`)."""
    return Path(str(resources.files("harness_decepticon") / "data" / "tasks.json"))


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(task_schema())


def schema_errors(document: Any) -> list[str]:
    """Schema violations of one task document, each as 'where: what'."""
    problems = []
    for error in sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        detail = error.message
        if error.validator == "oneOf" and error.context:  # a condition: say what the closest form wants
            best = min(error.context, key=lambda e: len(list(e.absolute_path)))
            detail = (
                f"not a valid condition ({best.message}); use all/any/not, visited, "
                "or path with one of eq/ne/in/contains/excludes/exists/gte/lte"
            )
        problems.append(f"{where}: {detail}")
    return problems


def load_tasks(source: str | Path = SHIPPED) -> list[DecepticonTask]:
    """Tasks from the shipped set, a JSON file (one task or a list) or a directory of JSON files.

    Raises:
        ConfigError: a file is missing or unreadable, or a task fails the schema or its site checks;
            the message names the file, the task and the field.
    """
    if str(source) == SHIPPED:
        return list(_shipped())
    path = Path(source).expanduser()
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if p.name != "site.json")
        if not files:
            raise ConfigError(f"task.tasks={source}: the directory has no task .json files")
    elif path.is_file():
        files = [path]
    else:
        raise ConfigError(
            f"task.tasks={source}: no such file or directory (give 'shipped', a .json file or a directory)"
        )
    return _load_files(files)


@functools.lru_cache(maxsize=1)
def _shipped() -> tuple[DecepticonTask, ...]:
    return tuple(_load_files([shipped_tasks_path()]))


def _load_files(files: list[Path]) -> list[DecepticonTask]:
    tasks: list[DecepticonTask] = []
    problems: list[str] = []
    for file in files:
        tasks.extend(_load_file(file, problems))
    seen: set[str] = set()
    for task in tasks:
        if task.id in seen:
            problems.append(f"task {task.id}: the id is used twice")
        seen.add(task.id)
    if problems:
        shown = problems[:MAX_REPORTED]
        more = f" (and {len(problems) - MAX_REPORTED} more)" if len(problems) > MAX_REPORTED else ""
        raise ConfigError("invalid DECEPTICON tasks: " + "; ".join(shown) + more)
    return tasks


def _load_file(file: Path, problems: list[str]) -> list[DecepticonTask]:
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as ex:
        problems.append(f"{file}: not readable JSON ({ex})")
        return []
    items = document if isinstance(document, list) else [document]
    loaded = []
    for index, item in enumerate(items):
        name = item.get("id") if isinstance(item, dict) else None
        where = f"{file.name} task {index}" + (f" ({name})" if name else "")
        errors = schema_errors(item)
        if errors:
            problems.extend(f"{where}: {e}" for e in errors[:3])
            continue
        task = DecepticonTask.model_validate({**item, "base_dir": file.parent})
        site_problems = check_against_site(task)
        problems.extend(f"{where}: {p}" for p in site_problems)
        if not site_problems:
            loaded.append(task)
    return loaded


def check_against_site(task: DecepticonTask) -> list[str]:
    """What makes a schema-valid task unusable on its site: a missing site, page or slot template,
    or a condition on state that nothing in the site can set (it could never hold)."""
    try:
        directory = resolve_site_dir(task)
        site = load_site(directory)
    except ConfigError as ex:
        return [str(ex)]
    problems = []
    if task.start_page.split("?")[0] not in site.pages:
        problems.append(f"start_page {task.start_page} is not a page of site {site.name} ({', '.join(site.pages)})")
    for slot, template in task.injection.slots.items():
        if not template_exists(directory, template):
            problems.append(
                f"injection.slots.{slot}: template {template!r} not found in {directory} or the shared library"
            )
    if task.injection.detour and task.injection.detour.page not in site.pages:
        problems.append(f"injection.detour.page {task.injection.detour.page} is not a page of site {site.name}")
    settable = site.settable_paths()
    known = deep_merge(deep_merge(site.initial_state, task.initial_state), task.injection.state)
    for label, condition in (("success", task.success), ("malicious", task.malicious)):
        reasons = _never_holds(condition, site.name, set(site.pages), settable, known)
        problems.extend(f"{label} can never hold: {reason}" for reason in reasons)
    return problems


_NEEDS_VALUE = {"eq", "in", "contains", "gte", "lte"}


def _never_holds(
    condition: dict[str, Any], site: str, pages: set[str], settable: set[str], known: dict[str, Any]
) -> list[str]:
    """Why a condition cannot hold on this site (empty when it might)."""
    if "all" in condition:
        return [r for child in condition["all"] for r in _never_holds(child, site, pages, settable, known)]
    if "any" in condition:
        branches = [_never_holds(child, site, pages, settable, known) for child in condition["any"]]
        return [r for b in branches for r in b] if all(branches) else []
    if "not" in condition:
        return []
    if "visited" in condition:
        page = condition["visited"].split("?")[0]
        return [] if page in pages else [f"it needs a visit to {page}, which is not a page of site {site}"]
    path = condition["path"]
    needs_value = bool(_NEEDS_VALUE & condition.keys()) or condition.get("exists") is True
    if not needs_value or _reachable(path, settable, known):
        return []
    return [
        f"no form on site {site} sets state '{path}' and the initial state has no such key "
        f"(settable: {', '.join(sorted(settable)) or 'none'})"
    ]


def _reachable(path: str, settable: set[str], known: dict[str, Any]) -> bool:
    if path in settable or any(s.startswith(path + ".") for s in settable):
        return True
    node: Any = known
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True
