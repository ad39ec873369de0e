"""Repository sources: where each task's base commit comes from, without the network.

`task.repos={"pallets/click": PATH}` maps an upstream repository to a git clone, a bare repository or
a `.tar.gz` of either; one source may hold several tasks' base commits. The plugin ships shallow
sources for click, jinja and dirty-equals (the three tasks it ships). A task whose commit no source
holds is reported by name with the fix and left out; it is never silently dropped.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from harness import ConfigError
from harness.sandbox import has_commit, is_repository

from ._cache import cache_dir
from ._dataset import TaskSpec

SHIPPED = {
    "pallets/click": "click-shallow.tar.gz",
    "pallets/jinja": "jinja-shallow.tar.gz",
    "samuelcolvin/dirty-equals": "dirty-equals-shallow.tar.gz",
}
"""Sources shipped with the plugin: shallow repositories holding only the shipped tasks' base commits."""


@dataclass(frozen=True)
class Resolved:
    """Which tasks have a source holding their base commit, and one line for each that has none."""

    repositories: dict[str, Path]
    """Task name → a local git repository holding its base commit."""
    missing: list[str]


def shipped_sources() -> dict[str, Path]:
    """The shipped source archives by upstream repository name."""
    root = resources.files("harness_cooperbench") / "data" / "repos"
    return {name: Path(str(root / file)) for name, file in SHIPPED.items()}


def open_source(path: Path) -> Path:
    """A git repository for a source path: itself, or the repository inside an extracted archive.

    Raises:
        ConfigError: The path does not exist, or is neither a repository nor an archive of one.
    """
    path = path.expanduser()
    if not path.exists():
        raise ConfigError(f"repository source {path} does not exist")
    if path.is_dir():
        if is_repository(path):
            return path
        raise ConfigError(f"repository source {path} is not a git repository (a clone, a bare repo or a .tar.gz)")
    if path.name.endswith((".tar.gz", ".tgz", ".tar")):
        return _find_repository(_extracted(path), path)
    raise ConfigError(f"repository source {path} is not a directory or a .tar.gz/.tar archive")


def _extracted(archive: Path) -> Path:
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()[:16]
    target = cache_dir("sources") / digest
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{digest}-", dir=target.parent))
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(staging, filter="data")
        os.replace(staging, target)  # atomic: a crash leaves no half-extracted source under the final name
    except (tarfile.TarError, OSError) as ex:
        raise ConfigError(f"repository source {archive}: cannot extract ({ex})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _find_repository(root: Path, archive: Path) -> Path:
    candidates = [root, *sorted(p for p in root.iterdir() if p.is_dir())]
    for candidate in candidates:
        if (candidate / ".git").exists() or ((candidate / "HEAD").is_file() and (candidate / "objects").is_dir()):
            if is_repository(candidate):
                return candidate
    raise ConfigError(f"repository source {archive} holds no git repository at its top or one level down")


def resolve_sources(tasks: list[TaskSpec], repos: dict[str, str] | None, all_repos: set[str]) -> Resolved:
    """Find each task's source: `repos` first, then the shipped archives.

    Args:
        tasks: The selected tasks.
        repos: User-given sources by upstream name (`pallets/click`).
        all_repos: Upstream names of every task in the dataset (to catch typos in `repos`).

    Raises:
        ConfigError: A given source is missing or not a repository, names no repository of the
            dataset, or holds none of the base commits its selected tasks need (a wrong source).
    """
    given = {name.strip().lower(): (name, path) for name, path in (repos or {}).items()}
    known = {r.lower() for r in all_repos}
    for key, (name, _) in given.items():
        if key not in known:
            used = ", ".join(sorted(all_repos))
            raise ConfigError(f"task.repos names {name!r}, which no task of the dataset uses (they use {used})")
    opened = {key: open_source(Path(path)) for key, (_, path) in given.items()}
    shipped = {name.lower(): path for name, path in shipped_sources().items()}
    found: dict[str, Path] = {}
    missing: list[str] = []
    lacking: dict[str, list[TaskSpec]] = {}
    for task in tasks:
        key = task.github.lower()
        hint = f'give task.repos=\'{{"{task.github}": "/path/to/clone-or-archive.tar.gz"}}\''
        if key in opened:
            if has_commit(opened[key], task.base_commit):
                found[task.name] = opened[key]
            else:
                lacking.setdefault(key, []).append(task)
                source = given[key][1]
                missing.append(
                    f"{task.name}: source {source} for {task.github} has no commit {task.base_commit[:12]}; {hint}"
                )
            continue
        if key in shipped:
            repository = open_source(shipped[key])
            if has_commit(repository, task.base_commit):
                found[task.name] = repository
                continue
        missing.append(f"{task.name}: no source for {task.github} at {task.base_commit[:12]}; {hint}")
    for key, without in lacking.items():
        if not any(path == opened[key] for path in found.values()):
            name, source = given[key]
            needs = ", ".join(f"{t.name} at {t.base_commit[:12]}" for t in without)
            raise ConfigError(
                f"repository source {source} for {name} holds none of the base commits its tasks need ({needs}): "
                "wrong repository or commit"
            )
    return Resolved(found, missing)
