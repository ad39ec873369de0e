"""What the index of lm-eval's whole task zoo tells the plugin, kept on disk between processes.

Building lm-eval's `TaskManager` over its zoo parses ~14,000 YAML files (15-20 s). The plugin needs
two things from that index: every name (to tell a typo from a task and suggest close names) and,
for a task, the YAML file that defines it (so that a `TaskManager` over that file's directory alone
can load it). Both are stored in the plugeval cache (`lm_eval/zoo-index-*.json`) under a key that
names lm-eval's version, its tasks directory and the (mtime, size) of every file below it: any
change to the zoo (an upgrade, an edited or added YAML file) misses the cache, and the next build
of the zoo index writes it again. An unreadable cache file is a miss, and writes are atomic, so
processes that read and write it at the same time see either the old file or the new one.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from harness import cache_dir

FORMAT = 1
"""Version of the cache file's layout; a file of another layout is a miss."""

_TASK_KINDS = ("TASK", "PY_TASK")
"""lm-eval index entries that are single tasks (built from their YAML file alone)."""


@dataclass(frozen=True)
class ZooIndex:
    """The part of lm-eval's zoo index the plugin uses.

    Attributes:
        names: Every task, group and tag name (`TaskManager.all_tasks`).
        task_files: The YAML file of each task, relative to the tasks directory (posix form).
            Groups and tags are not here: their members may live in other directories.
    """

    names: frozenset[str]
    task_files: dict[str, str]


def cached_index(directory: Path, build: Callable[[], Any]) -> ZooIndex:
    """The zoo index of `directory`: from the cache when it was written for this lm-eval and these files,
    else from `build()` (a `TaskManager` over the zoo), which is then written to the cache."""
    key = cache_key(directory)  # before the build: a file changed during it misses the cache next time
    path = cache_file(directory)
    cached = read_index(path, key)
    if cached is not None:
        return cached
    index = index_of(build(), directory)
    write_index(path, key, index)
    return index


def tasks_directory() -> Path:
    """The directory lm-eval's `TaskManager` indexes as its own tasks, spelled as lm-eval spells it."""
    import sys

    from lm_eval.tasks import TaskManager

    module = sys.modules[TaskManager.__module__]
    return Path(module.__file__ or "").parent


def cache_key(directory: Path) -> dict[str, Any]:
    """What the cached index depends on: lm-eval's version, its tasks directory and every file there."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        lm_eval_version = version("lm_eval")
    except PackageNotFoundError:  # lm-eval on the path without its metadata: the files still key it
        lm_eval_version = "unknown"
    return {
        "format": FORMAT,
        "lm_eval": lm_eval_version,
        "tasks_directory": str(directory),
        "files": files_fingerprint(directory),
    }


def files_fingerprint(directory: Path) -> str:
    """A digest of the relative path, mtime and size of every file below `directory`.

    Every file, not just `*.yaml`: task files include templates with other names
    (`_default_template_yaml`, `_template`). Compiled bytecode (`__pycache__`) is left out, as
    importing a task's helpers writes it. Symbolic links to directories are not followed (nor
    does lm-eval's `**/*.yaml` glob follow them).
    """
    stamps: list[tuple[str, int, int]] = []
    pending = [directory]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as entries:
                listed = list(entries)
        except OSError:
            continue
        for entry in listed:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        pending.append(Path(entry.path))
                    continue
                status = entry.stat()
            except OSError:
                continue
            stamps.append((os.path.relpath(entry.path, directory), status.st_mtime_ns, status.st_size))
    stamps.sort()
    digest = hashlib.sha256()
    for relative, mtime, size in stamps:
        digest.update(f"{relative}\0{mtime}\0{size}\n".encode("utf-8", "surrogateescape"))
    return f"{len(stamps)}:{digest.hexdigest()}"


def cache_file(directory: Path) -> Path:
    """The cache file of one lm-eval installation (one per tasks directory: virtualenvs do not take turns)."""
    tag = hashlib.sha256(str(directory).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return cache_dir("lm_eval", f"zoo-index-{tag}.json")


def index_of(manager: Any, directory: Path) -> ZooIndex:
    """The names and task files of a `TaskManager` over lm-eval's zoo (`directory`: its tasks directory)."""
    task_files: dict[str, str] = {}
    for name, entry in manager.task_index.items():
        yaml_path = task_file(entry)
        if yaml_path is None:
            continue
        try:
            relative = yaml_path.relative_to(directory)
        except ValueError:
            continue
        task_files[name] = relative.as_posix()
    return ZooIndex(names=frozenset(manager.all_tasks), task_files=task_files)


def task_file(entry: Any) -> Path | None:
    """The YAML file of an lm-eval index entry that is a single task; None for a group, a tag, or no file."""
    kind = getattr(getattr(entry, "kind", None), "name", None)
    yaml_path = getattr(entry, "yaml_path", None)
    return Path(yaml_path) if kind in _TASK_KINDS and yaml_path is not None else None


def read_index(path: Path, key: dict[str, Any]) -> ZooIndex | None:
    """The index stored in `path` under `key`; None when absent, of another key, or unreadable."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    names, task_files = stored.get("names"), stored.get("task_files")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return None
    if not isinstance(task_files, dict) or not all(
        isinstance(n, str) and isinstance(f, str) for n, f in task_files.items()
    ):
        return None
    return ZooIndex(names=frozenset(names), task_files=task_files)


def write_index(path: Path, key: dict[str, Any], index: ZooIndex) -> None:
    """Store `index` under `key` in `path`, atomically; a cache that cannot be written is skipped."""
    stored = {"key": key, "names": sorted(index.names), "task_files": dict(sorted(index.task_files.items()))}
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "x", encoding="utf-8") as handle:
            json.dump(stored, handle)
        os.replace(temporary, path)
    except OSError:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
