"""Throwaway evaluation containers from a task image, on the harness's hardened path.

The agents' containers come from the harness sandbox pool; the evaluator wants a *fresh* container
per merge and per test run (as CooperBench runs each in a new one). Those are
`harness.sandbox.Container`s: the agent user (not root), capabilities dropped, `no-new-privileges`,
seccomp, memory/CPU/process/disk limits, no log, the run's label; removed after use, at exit, or by
`harness sandbox cleanup` after a killed run. This module adapts one to the evaluator's `Shell`.
"""

from __future__ import annotations

from harness.sandbox import Container as HardenedContainer
from harness.sandbox import DockerSandboxConfig

from ._image import REPO_DIR
from ._shell import Completed

EVAL_LABEL = "plugeval.cooperbench.eval"
"""Label of every evaluation container (value: "1"), beside the harness's run and owner labels."""
EVAL_MEMORY = "2g"
EVAL_DISK = "4g"
"""Limits of one evaluation container: a checkout, its editable install and pytest's files."""


class Container:
    """A started evaluation container from `image`, removed on `close()` (use it as a context manager)."""

    def __init__(self, image: str, *, memory: str = EVAL_MEMORY, cpus: float = 1.0, pids_limit: int = 1024) -> None:
        config = DockerSandboxConfig(
            memory=memory, cpus=cpus, pids_limit=pids_limit, disk=EVAL_DISK, workdir=REPO_DIR,
            environment=("COLUMNS=200",),  # pytest's summary lines keep their messages
        )  # fmt: skip
        self._box = HardenedContainer(image, config, labels={EVAL_LABEL: "1"})

    def __enter__(self) -> Container:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def id(self) -> str:
        """The container's id."""
        return self._box.id

    def close(self) -> None:
        """Remove the container (killing whatever still runs in it)."""
        self._box.close()

    def write(self, path: str, content: str | bytes) -> None:
        """Write a file as the agent user (its directory must be writable: /patches, /tmp)."""
        self._box.write_file(path, content)

    def run(self, cmd: list[str], *, timeout: int = 600, workdir: str = REPO_DIR) -> Completed:
        """Run a command; after `timeout` seconds it is killed with all it started and `timed_out` is set."""
        result = self._box.exec(cmd, workdir=workdir, timeout=timeout)
        return Completed(result.returncode, result.stdout, result.stderr, timed_out=result.timed_out)
