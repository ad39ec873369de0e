"""Finding and removing containers (and networks) that harness runs left behind."""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass

from harness.sandbox._engine import OWNER_LABEL, OWNER_START_LABEL, RUN_LABEL, docker_client
from harness.sandbox._owner import owner_alive


@dataclass(frozen=True)
class LeftContainer:
    """A container carrying the harness run label."""

    id: str
    run_id: str
    owner: str
    status: str
    owner_start: str = ""

    @property
    def owner_alive(self) -> bool:
        """Whether the process that started it still runs (only knowable on the same host)."""
        return owner_alive(self.owner, self.owner_start)


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
            owner_start=item["Labels"].get(OWNER_START_LABEL, ""),
        )
        for item in found
    ]


def remove_containers(run_id: str | None = None, everything: bool = False) -> list[LeftContainer]:
    """Remove left-behind containers: those of `run_id`, or (default) those whose owner process is gone.

    `everything` also removes containers of runs that are still going. The sandbox networks of the
    same runs go too, once their containers are gone.
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
    _remove_networks(run_id, everything)
    _remove_orphan_disks(api)
    return removed


def _remove_orphan_disks(api) -> None:
    """Sparse files of `loop` disks whose container is gone (a killed run's; docker unmounted them on removal)."""
    from harness.sandbox._loopdisk import remove_orphan_images

    try:
        live = {item["Id"] for item in api.containers(all=True)}
        remove_orphan_images(live)
    except OSError:
        pass  # not ours to clean (no permission): left for root


def _remove_networks(run_id: str | None, everything: bool) -> list[str]:
    from harness.sandbox._network import remove_network

    label = f"{RUN_LABEL}={run_id}" if run_id else RUN_LABEL
    removed = []
    for network in docker_client().api.networks(filters={"label": label}):
        labels = network.get("Labels") or {}
        alive = owner_alive(labels.get(OWNER_LABEL, ""), labels.get(OWNER_START_LABEL, ""))
        if run_id is None and not everything and alive:
            continue
        if remove_network(network["Id"]):
            removed.append(network["Name"])
    return removed


_reaped = False
_reaped_lock = threading.Lock()


def reap_dead_owners_once() -> None:
    """Once per process: remove what killed runs on this host left behind, with a one-line note on stderr."""
    global _reaped
    with _reaped_lock:
        if _reaped:
            return
        _reaped = True
        removed = remove_containers()
    if removed:
        runs = ", ".join(sorted({c.run_id for c in removed}))
        print(
            f"harness-docker: removed {len(removed)} container(s) of run(s) {runs}: their owner process is gone",
            file=sys.stderr,
        )
