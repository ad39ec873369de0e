"""Finding and removing containers that harness runs left behind."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from harness.sandbox._engine import OWNER_LABEL, RUN_LABEL, docker_client


@dataclass(frozen=True)
class LeftContainer:
    """A container carrying the harness run label."""

    id: str
    run_id: str
    owner: str
    status: str

    @property
    def owner_alive(self) -> bool:
        """Whether the process that started it still runs (only knowable on the same host)."""
        host, _, pid = self.owner.rpartition(":")
        if host != socket.gethostname() or not pid.isdigit():
            return True  # another machine's run: assume alive, never remove it by default
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def list_containers(run_id: str | None = None) -> list[LeftContainer]:
    """Containers with the harness label, optionally of one run."""
    label = f"{RUN_LABEL}={run_id}" if run_id else RUN_LABEL
    found = docker_client().api.containers(all=True, filters={"label": label})
    return [
        LeftContainer(
            id=item["Id"],
            run_id=item["Labels"].get(RUN_LABEL, ""),
            owner=item["Labels"].get(OWNER_LABEL, ""),
            status=item.get("State", ""),
        )
        for item in found
    ]


def remove_containers(run_id: str | None = None, everything: bool = False) -> list[LeftContainer]:
    """Remove left-behind containers: those of `run_id`, or (default) those whose owner process is gone.

    `everything` also removes containers of runs that are still going.
    """
    import docker.errors

    api = docker_client().api
    removed = []
    for container in list_containers(run_id):
        if run_id is None and not everything and container.owner_alive:
            continue
        try:
            api.remove_container(container.id, force=True)
        except docker.errors.NotFound:
            continue
        removed.append(container)
    return removed
