"""Holding a container's processes still (SIGSTOP, then SIGCONT) while the disk watchdog counts.

Not the cgroup freezer: the runtime refuses to start an exec in a frozen container (it counts as
paused), which would fail the sample's next command. A stopped process cannot write; a new
command cannot start in the meantime either, since the agent's next call waits for the stopped one.
Stopping repeats until the cgroup's process list holds still, so a child forked in between is
caught too. The container's init is left running (it only reaps).
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

CGROUP_PROC_FILES = (
    "/sys/fs/cgroup/pids/docker/{id}/cgroup.procs",
    "/sys/fs/cgroup/pids/system.slice/docker-{id}.scope/cgroup.procs",
    "/sys/fs/cgroup/system.slice/docker-{id}.scope/cgroup.procs",
    "/sys/fs/cgroup/docker/{id}/cgroup.procs",
    "/sys/fs/cgroup/unified/docker/{id}/cgroup.procs",
)
"""Where the host lists a container's processes, for the cgroup layouts docker uses."""


def procs_file(container_id: str) -> Path | None:
    """The readable `cgroup.procs` of a container, or None when the host cannot see it."""
    candidates = (Path(pattern.format(id=container_id)) for pattern in CGROUP_PROC_FILES)
    return next((path for path in candidates if os.access(path, os.R_OK)), None)


@contextlib.contextmanager
def holding_still(container_id: str, init_pid: int = 0) -> Iterator[bool]:
    """Stop the container's processes for the block; yields False when this host cannot (nothing stopped)."""
    procs = procs_file(container_id)
    if procs is None:
        yield False
        return
    stopped: set[int] = set()
    try:
        for _ in range(20):
            found = _pids(procs) - stopped - {init_pid}
            if not found:
                break
            for pid in found:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGSTOP)
                stopped.add(pid)
        yield True
    finally:
        for pid in stopped:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGCONT)


def _pids(procs: Path) -> set[int]:
    try:
        return {int(pid) for pid in procs.read_text().split()}
    except (OSError, ValueError):
        return set()
