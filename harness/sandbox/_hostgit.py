"""git on the host, for the repositories that go into build contexts (never a sandbox's own git).

Shared by plugins that build task images from local sources (Ambig-SWE, CooperBench): a
single-commit clone is self-contained (its objects are copied, no alternates path that a Docker
build context could not follow) and holds no history after the commit (an upstream fix never
reaches the agent). Fetching by commit id works for shallow sources without branches.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from harness._errors import ConfigError

_QUIET_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}


def git(*args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run host git; on failure (with `check`) raise ConfigError carrying git's last line of stderr."""
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **_QUIET_ENV}
        )
    except FileNotFoundError:
        raise ConfigError("git is not installed on this machine; it is needed to prepare sources") from None
    if check and result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise ConfigError(f"git {' '.join(args[:3])} failed in {cwd}: {lines[-1] if lines else 'no output'}")
    return result


def is_repository(path: Path) -> bool:
    """Whether `path` is the top of a git work tree or a bare repository."""
    if not path.is_dir():
        return False
    found = git("rev-parse", "--git-dir", cwd=path, check=False)
    if found.returncode != 0:
        return False
    git_dir = (path / found.stdout.strip()).resolve()
    return git_dir in (path.resolve(), (path / ".git").resolve())


def has_commit(repo: Path, commit: str) -> bool:
    """Whether `repo` (a work tree or a bare repository) holds `commit`."""
    return git("cat-file", "-e", f"{commit}^{{commit}}", cwd=repo, check=False).returncode == 0


def file_at(repo: Path, commit: str, path: str) -> str | None:
    """The text of `path` at `commit`, or None when the commit lacks the file."""
    shown = git("show", f"{commit}:{path}", cwd=repo, check=False)
    return shown.stdout if shown.returncode == 0 else None


def clone_commit(source: Path, commit: str, target: Path) -> None:
    """A fresh, self-contained repository at `target` holding only `commit`, checked out on branch `main`.

    Raises:
        ConfigError: git failed (the source lacks the commit, or is not a repository).
    """
    git("init", "-q", "-b", "main", str(target))
    # the source's upload-pack refuses unadvertised commit ids unless told otherwise
    upload_pack = "git -c uploadpack.allowAnySHA1InWant=true upload-pack"
    fetch = ["fetch", "-q", "--no-tags", "--depth", "1", f"--upload-pack={upload_pack}", str(source.resolve()), commit]
    git(*fetch, cwd=target)
    git("reset", "-q", "--hard", commit, cwd=target)
