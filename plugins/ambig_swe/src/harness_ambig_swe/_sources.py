"""Repository sources for real instances: a git clone, a bare repository, or a `.tar.gz` of either.

`task.repos='{"psf/requests": PATH}'` maps an upstream repository to a local source; shallow
repositories that hold only the needed commits (no branch) work too, since commits are fetched by
id. Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from harness import ConfigError
from harness.sandbox import has_commit, is_repository

from ._cache import cache_dir

_ARCHIVES = (".tar.gz", ".tgz", ".tar")


class MissingCommit(Exception):
    """A source does not hold an instance's base commit; the message names the fix."""


def open_source(path: str | Path, repo: str = "") -> Path:
    """A git repository for a source path: itself, or the repository inside an extracted archive.

    Raises:
        ConfigError: The path does not exist, or is neither a repository nor an archive of one.
    """
    source = Path(path).expanduser()
    clone_hint = f"e.g. `git clone https://github.com/{repo} {source}`" if repo else "e.g. `git clone URL PATH`"
    if not source.exists():
        raise ConfigError(
            f"task.repos: {source} does not exist; give a git clone, a bare repository or a .tar.gz of one"
        )
    if source.is_dir():
        if is_repository(source):
            return source
        raise ConfigError(
            f"task.repos: {source} is not a git repository; give a clone ({clone_hint}), "
            "a bare repository or a .tar.gz of one"
        )
    if source.name.endswith(_ARCHIVES):
        return _find_repository(_extracted(source), source)
    raise ConfigError(f"task.repos: {source} is neither a directory nor a .tar.gz/.tar archive of a git repository")


def require_commit(source: Path, commit: str, instance_id: str, given: str | Path) -> None:
    """Raise MissingCommit, naming the fix, unless `source` holds `commit`."""
    if not has_commit(source, commit):
        raise MissingCommit(
            f"{instance_id}: source {given} has no commit {commit[:12]}; fetch it into the source "
            f"(`git -C {given} fetch origin {commit}`) or point task.repos at a clone that holds it"
        )


def _extracted(archive: Path) -> Path:
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()[:16]
    target = cache_dir("sources", digest)
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{digest}-", dir=target.parent))
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(staging, filter="data")
        os.replace(staging, target)  # atomic: a crash leaves no half-extracted source under the final name
    except (tarfile.TarError, OSError) as ex:
        raise ConfigError(f"task.repos: cannot extract {archive} ({ex})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _find_repository(root: Path, archive: Path) -> Path:
    for candidate in (root, *sorted(p for p in root.iterdir() if p.is_dir())):
        if is_repository(candidate):
            return candidate
    raise ConfigError(
        f"task.repos: {archive} holds no git repository at its top or one level down; "
        "archive a clone or a bare repository (`tar -czf repo.tar.gz repo`)"
    )
