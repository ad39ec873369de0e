"""The run's own bridge network for sandboxes with `network=True`: egress, but no container reaches another.

One user-defined bridge per harness process, created when its first networked container starts and
removed when the last networked pool closes. Inter-container traffic is off
(`com.docker.network.bridge.enable_icc=false`), so samples cannot reach each other; the bridge is
named `pgv` + 12 hex digits, so a host firewall can single it out (`iptables -I INPUT -i pgv+ -j DROP`
keeps sandboxes off the host's own services).
"""

from __future__ import annotations

import hashlib
import os
import threading

from harness.sandbox._engine import OWNER_LABEL, OWNER_START_LABEL, RUN_LABEL, SandboxError, docker_client

BRIDGE_PREFIX = "pgv"

_lock = threading.Lock()
_users = 0
_name: str | None = None


def acquire_run_network(run_id: str, owner: str, owner_start: str) -> str:
    """The name of this process's sandbox network, created on first use; pair with `release_run_network`."""
    global _users, _name
    with _lock:
        if _name is None:
            _name = _create(f"plugeval-{run_id}-{os.getpid()}", run_id, owner, owner_start)
        _users += 1
        return _name


def release_run_network() -> None:
    """One user fewer; the last one removes the network (its containers must be gone by then)."""
    global _users, _name
    with _lock:
        _users -= 1
        if _users > 0 or _name is None:
            return
        name, _name = _name, None
    remove_network(name)


def remove_network(name: str) -> bool:
    """Remove a network; False when it is still in use or already gone."""
    import docker.errors

    try:
        docker_client().api.remove_network(name)
    except docker.errors.APIError:
        return False
    return True


def _create(name: str, run_id: str, owner: str, owner_start: str, retry: bool = True) -> str:
    import docker.errors

    api = docker_client().api
    bridge = BRIDGE_PREFIX + hashlib.sha256(name.encode()).hexdigest()[:12]
    try:
        api.create_network(
            name,
            driver="bridge",
            options={"com.docker.network.bridge.enable_icc": "false", "com.docker.network.bridge.name": bridge},
            labels={RUN_LABEL: run_id, OWNER_LABEL: owner, OWNER_START_LABEL: owner_start},
            check_duplicate=True,
        )
    except docker.errors.APIError as ex:
        if ex.status_code == 409 and retry and remove_network(name):
            # left by an earlier process that had our pid
            return _create(name, run_id, owner, owner_start, retry=False)
        raise SandboxError(
            f"could not create the sandbox network {name}: {ex.explanation} "
            "(networks left by killed runs use up address space: `harness sandbox cleanup`)"
        ) from ex
    return name
