"""lm-eval's task zoo through its own `TaskManager`: names, include paths, and the errors users see."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import ConfigError, HarnessError

from ._zoo_index import ZooIndex, cached_index, task_file, tasks_directory

SUPPORTED_OUTPUT_TYPES = ("generate_until", "multiple_choice", "loglikelihood")
DEFAULT_FEWSHOT_SEED = 1234
"""lm-eval's own default (`simple_evaluate(fewshot_random_seed=1234)`)."""


@dataclass(frozen=True)
class LoadedTasks:
    """What one lm-eval name resolved to.

    Attributes:
        name: The name the user asked for (task, group, tag or YAML path).
        tasks: Leaf tasks by name, in lm-eval's order (lm-eval `Task` objects).
        groups: Groups by name (lm-eval `Group` objects); empty for a task or a tag.
    """

    name: str
    tasks: dict[str, Any]
    groups: dict[str, Any]


@functools.lru_cache(maxsize=4)
def task_manager(include_path: str | None = None, include_defaults: bool = True) -> Any:
    """lm-eval's `TaskManager` over its own tasks and/or `include_path` (indexing takes seconds: cached)."""
    from lm_eval.tasks import TaskManager

    return TaskManager(include_path=include_path, include_defaults=include_defaults)


def load_tasks(
    name: str,
    *,
    include_path: str | None = None,
    num_fewshot: int | None = None,
    fewshot_seed: int = DEFAULT_FEWSHOT_SEED,
    confirm_run_unsafe_code: bool = False,
) -> LoadedTasks:
    """Load an lm-eval task, group or tag by name, configured the way `lm_eval.simple_evaluate` does.

    Raises:
        ConfigError: Unknown name (with close matches), a missing include path, an unsupported
            output type, or an unsafe task without `confirm_run_unsafe_code`.
        HarnessError: The task's dataset cannot be loaded (names the dataset and the fix).
    """
    loaded = _load(name, include_path)
    tasks: dict[str, Any] = loaded["tasks"]
    for task_name, task in tasks.items():
        _check_supported(task_name, task, confirm_run_unsafe_code)
        _configure(task, num_fewshot, fewshot_seed)
    return LoadedTasks(name=name, tasks=tasks, groups=dict(loaded.get("groups", {})))


def _load(name: str, include_path: str | None) -> dict[str, Any]:
    """`TaskManager.load([name])`. With an include path (or a YAML file for a name), only those tasks are
    indexed first (a fraction of a second, against seconds for lm-eval's whole zoo); the zoo is added
    when the name or something it refers to is not among them. A name of the zoo is looked up in the
    zoo's cached index (`zoo_index`): an unknown name fails there, and a task is loaded from an index
    of its own directory; groups and tags, whose members may live elsewhere, get the whole zoo."""
    if include_path is not None and not Path(include_path).exists():
        raise ConfigError(f"task.include_path '{include_path}' does not exist; give a directory of lm-eval YAML tasks")
    path = str(Path(include_path).resolve()) if include_path else None
    yaml_file = _is_yaml_file(name)
    own: list[str] = []
    if path is not None or yaml_file:
        manager = task_manager(path, include_defaults=False)
        own = manager.all_tasks
        if name in own or yaml_file:
            try:
                return _load_with(manager, name)
            except (KeyError, ValueError):  # e.g. a group listing one of lm-eval's own tasks
                pass
    if not yaml_file and name not in own:  # a name of the zoo, or of nothing
        zoo = zoo_index()
        if name not in zoo.names:
            raise ConfigError(_unknown_name_message(name, sorted(zoo.names.union(own))))
        loaded = _load_zoo_task(name, zoo)
        if loaded is not None:
            return loaded
    manager = task_manager(path)
    if name not in manager.all_tasks and not yaml_file:
        raise ConfigError(_unknown_name_message(name, manager.all_tasks))
    try:
        return _load_with(manager, name)
    except (KeyError, ValueError) as ex:
        raise HarnessError(f"lm-eval could not load task '{name}': {type(ex).__name__}: {_one_line(ex)}") from ex


@functools.lru_cache(maxsize=1)
def zoo_index() -> ZooIndex:
    """The names and task files of lm-eval's zoo: from the plugeval cache when it was written for this
    lm-eval and these task files, else from a `TaskManager` over the zoo (which then writes the cache)."""
    return cached_index(tasks_directory(), lambda: task_manager(None))


def _load_zoo_task(name: str, zoo: ZooIndex) -> dict[str, Any] | None:
    """A zoo task through a `TaskManager` over its YAML file's directory alone; None when the zoo index
    names no file for it (a group or a tag) or that directory's index does not hold the same task.

    lm-eval builds a task from its YAML file (and the files it includes) alone, not from the rest
    of the index, so this is the task the whole zoo's `TaskManager` gives: within one directory the
    first file to claim a name wins, and the zoo's first claimant is also its directory's first.
    """
    relative = zoo.task_files.get(name)
    if relative is None:
        return None
    root = tasks_directory()
    yaml_path = root / relative
    if yaml_path.parent == root:  # that directory's index would be the whole zoo's
        return None
    manager = task_manager(str(yaml_path.parent), include_defaults=False)
    if task_file(manager.task_index.get(name)) != yaml_path:
        return None
    try:
        return _load_with(manager, name)
    except (KeyError, ValueError):  # the whole zoo's manager says what went wrong, as it did before
        return None


def _load_with(manager: Any, name: str) -> dict[str, Any]:
    try:
        return manager.load([name])
    except (ConnectionError, OSError) as ex:
        raise HarnessError(_dataset_message(name, ex)) from ex
    except (KeyError, ValueError):
        raise
    except Exception as ex:  # lm-eval raises bare TypeError/AttributeError... for broken configs
        raise HarnessError(f"lm-eval could not load task '{name}': {type(ex).__name__}: {_one_line(ex)}") from ex


def _configure(task: Any, num_fewshot: int | None, fewshot_seed: int) -> None:
    """Few-shot count and seed as `simple_evaluate` sets them (a task pinned to 0 shots stays at 0)."""
    configured = task.get_config("num_fewshot")
    if num_fewshot is not None and configured != 0:
        task.set_config(key="num_fewshot", value=num_fewshot)
    elif configured is None:
        task.set_config(key="num_fewshot", value=0)
    task.set_fewshot_seed(seed=fewshot_seed)


def _check_supported(name: str, task: Any, confirm_run_unsafe_code: bool) -> None:
    output_type = task.get_config("output_type")
    if output_type not in SUPPORTED_OUTPUT_TYPES:
        raise ConfigError(
            f"lm-eval task '{name}' has output_type {output_type}; this plugin runs "
            f"{', '.join(SUPPORTED_OUTPUT_TYPES)} (perplexity tasks are not supported yet)"
        )
    if getattr(task, "MULTIMODAL", False):
        raise ConfigError(f"lm-eval task '{name}' is multimodal; this plugin runs text tasks only")
    if getattr(task, "UNSAFE_CODE", False) and not confirm_run_unsafe_code:
        raise ConfigError(
            f"lm-eval task '{name}' executes model-written code; "
            "set task.confirm_run_unsafe_code=true to run it (as lm-eval's --confirm_run_unsafe_code)"
        )


def _is_yaml_file(name: str) -> bool:
    return name.endswith((".yaml", ".yml")) and Path(name).is_file()


def _unknown_name_message(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return (
        f"unknown lm-eval task '{name}'{hint} "
        "(`lm-eval ls tasks` lists them; task.include_path=DIR adds your own YAML tasks)"
    )


def _dataset_message(name: str, error: BaseException) -> str:
    text = _one_line(error)
    quoted = re.search(r"'([^'\s]+)' on the Hub", text) or re.search(r"'([^'\s]+)'", text)
    dataset = f"dataset '{quoted.group(1)}'" if quoted else "its dataset"
    if isinstance(error, FileNotFoundError) and "Hub" not in text:
        return f"lm-eval task '{name}': {dataset} was not found ({text}); fix the task's dataset_kwargs.data_files"
    return (
        f"lm-eval task '{name}' needs {dataset}, which is neither reachable nor in the local Hugging Face cache "
        f"({text}); run once with network to cache it (or set HF_DATASETS_CACHE to a cache that has it), "
        "or put a copy of the task's YAML in task.include_path with `dataset_path: json` and "
        "`dataset_kwargs: {data_files: ...}` pointing at local files"
    )


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
