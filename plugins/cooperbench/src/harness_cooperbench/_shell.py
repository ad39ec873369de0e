"""Where a command runs for the evaluator: the protocol, its result, and a host implementation for tests."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Completed:
    """A finished command."""

    exit_code: int
    stdout: str
    stderr: str = ""
    timed_out: bool = False

    @property
    def output(self) -> str:
        """stdout followed by stderr."""
        return self.stdout + self.stderr


class Shell(Protocol):
    """Runs commands in a repository checkout and writes files: an evaluation container, or the host."""

    def run(self, cmd: list[str], *, timeout: int = 600) -> Completed:
        """Run `cmd` with the repository as working directory."""
        ...

    def write(self, path: str, content: str | bytes) -> None:
        """Write a file at an absolute path."""
        ...


class LocalShell:
    """A repository on the host (used by tests of the merge logic; git's identity comes from `env`)."""

    def __init__(self, repo: Path, env: dict[str, str] | None = None) -> None:
        self.repo = repo
        self.env = env

    def run(self, cmd: list[str], *, timeout: int = 600) -> Completed:
        """Run `cmd` in the repository."""
        try:
            result = subprocess.run(cmd, cwd=self.repo, capture_output=True, text=True, timeout=timeout, env=self.env)
        except subprocess.TimeoutExpired as ex:
            return Completed(124, str(ex.stdout or ""), str(ex.stderr or ""), timed_out=True)
        return Completed(result.returncode, result.stdout, result.stderr)

    def write(self, path: str, content: str | bytes) -> None:
        """Write a file."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_bytes(data)
