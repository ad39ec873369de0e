"""Who owns a container: this process as HOST:PID plus its start time, and whether an owner still lives."""

from __future__ import annotations

import os
import socket
import uuid

_process_run_id = uuid.uuid4().hex[:12]


def current_run_id() -> str:
    """The run id containers are labelled with: the harness run's, else one per process."""
    return os.environ.get("PLUGEVAL_RUN_ID") or _process_run_id


def owner_tag() -> str:
    """HOST:PID of this process, the value of the owner label."""
    return f"{socket.gethostname()}:{os.getpid()}"


def process_start(pid: int | None = None) -> str:
    """When process `pid` (default: this one) started, in clock ticks since boot; "" when unknown."""
    try:
        with open(f"/proc/{pid or os.getpid()}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def owner_alive(owner: str, started: str = "") -> bool:
    """Whether the process named by an owner label (HOST:PID, started at `started`) still runs.

    Only knowable on the same host: another host's owner counts as alive, so it is never removed
    by default. A live pid with a different start time is another process that reused the pid.
    """
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    if started and process_start(int(pid)) not in ("", started):
        return False
    return True
