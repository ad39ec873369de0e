"""Starting and removing one sandbox container: the limits, labels and isolation every harness container gets.

Every container the harness or a plugin starts comes from `start_container` (the warm pool's, and
`harness.sandbox.Container` for throwaway ones) and goes through `remove_container`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from harness.sandbox._config import DockerSandboxConfig
from harness.sandbox._counters import CGROUP_MASK
from harness.sandbox._disk import DISK_LABEL, fall_back, quota_refused, storage_mechanism
from harness.sandbox._engine import OWNER_LABEL, OWNER_START_LABEL, RUN_LABEL, SandboxError, docker_client
from harness.sandbox._loopdisk import LoopDisk, attach
from harness.sandbox._owner import owner_tag, process_start

_SHM_SIZE = "64m"  # /dev/shm: a tmpfs, charged to the memory limit
KEPT_CAPABILITIES = ("CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL", "SETGID", "SETUID")
"""What root in a container keeps (the harness's own root commands need these); everything else is dropped.
The sample's user is not root and has none, and `no-new-privileges` keeps it so."""

_disks: dict[str, LoopDisk] = {}
_disks_lock = threading.Lock()


@dataclass(frozen=True)
class Started:
    """A started container and the disk-limit mechanism in force for it."""

    container_id: str
    mechanism: str
    """quota, loop, watchdog or none (also the container's `plugeval.disk` label)."""
    disk: LoopDisk | None = None
    """Its own file system (mechanism `loop`)."""


def start_container(
    image: str,
    config: DockerSandboxConfig,
    run_id: str,
    network: str | None,
    *,
    command: list[str] | None = None,
    labels: dict[str, str] | None = None,
    mounts: dict[str, str] | None = None,
) -> Started:
    """Start a container (by default one that sleeps until used) with the config's limits.

    Every container runs under tini (`init`), with no network unless `network` names one, the
    config's memory (no swap), CPU, process and disk limits, capabilities other than
    `KEPT_CAPABILITIES` dropped, `no-new-privileges`, Docker's default seccomp profile, its cgroup
    counters hidden (`_counters`), and no log of its own output. Labels name the run, the owner
    process and the disk mechanism (see `_disk`), plus `labels`. `mounts` binds host directories
    read-only (host path → container path).

    Raises:
        SandboxError: The image is missing or the engine refused the container.
    """
    mechanism = "none" if config.disk_bytes is None else storage_mechanism()
    while True:
        try:
            return _start(image, config, run_id, network, mechanism, command, labels or {}, mounts or {})
        except SandboxError as ex:
            retry = mechanism == "quota" and quota_refused(ex.__cause__ or ex)
            retry = retry or (mechanism == "loop" and getattr(ex, "loop_failed", False))
            if not retry:
                raise
            mechanism = fall_back(mechanism)


def remove_container(container_id: str) -> bool:
    """Remove a container (killing what runs in it) and its file system; False when the engine refused."""
    import docker.errors

    try:
        docker_client().api.remove_container(container_id, force=True)
    except docker.errors.NotFound:
        pass
    except docker.errors.APIError:
        return False  # left for `harness sandbox cleanup`; it carries the run label
    with _disks_lock:
        disk = _disks.pop(container_id, None)
    if disk is not None:
        disk.release()
    return True


def _start(
    image: str,
    config: DockerSandboxConfig,
    run_id: str,
    network: str | None,
    mechanism: str,
    command: list[str] | None,
    labels: dict[str, str],
    mounts: dict[str, str],
) -> Started:
    import docker.errors

    api = docker_client().api
    options = _host_options(config, network, mechanism)
    if mounts:
        options["binds"] = [f"{host}:{inside}:ro" for host, inside in mounts.items()]
    try:
        created = api.create_container(
            image,
            command=command or ["sleep", "infinity"],
            labels={**labels, RUN_LABEL: run_id, OWNER_LABEL: owner_tag(), OWNER_START_LABEL: process_start(),
                    DISK_LABEL: mechanism},
            environment=list(config.environment),
            host_config=api.create_host_config(**options),
        )  # fmt: skip
    except docker.errors.ImageNotFound as ex:
        raise SandboxError(f"sandbox image {image!r} not found: {ex.explanation}") from ex
    except docker.errors.APIError as ex:
        raise SandboxError(f"could not start a sandbox from {image!r}: {ex.explanation}") from ex
    container_id = created["Id"]
    disk = None
    try:
        if mechanism == "loop":
            disk = _own_disk(api, container_id, config.disk_bytes or 0)
        api.start(container_id)
    except BaseException as ex:
        remove_container(container_id)
        if isinstance(ex, docker.errors.APIError):
            raise SandboxError(f"could not start a sandbox from {image!r}: {ex.explanation}") from ex
        raise
    return Started(container_id, mechanism, disk)


def _own_disk(api, container_id: str, limit: int) -> LoopDisk:
    try:
        disk = attach(api, container_id, limit)
    except SandboxError as ex:
        ex.loop_failed = True  # type: ignore[attr-defined]
        raise
    with _disks_lock:
        _disks[container_id] = disk
    return disk


def _host_options(config: DockerSandboxConfig, network: str | None, mechanism: str) -> dict[str, Any]:
    from docker.types import LogConfig, Ulimit

    disk = config.disk_bytes
    options: dict[str, Any] = {}
    if disk is not None:
        # one file cannot pass the limit, whatever the mechanism for the total
        options["ulimits"] = [Ulimit(name="fsize", soft=disk, hard=disk)]
    if mechanism == "quota":
        options["storage_opt"] = {"size": str(disk)}
    return {
        **options,
        "init": True,
        "network_mode": network or "none",
        "mem_limit": config.memory,
        "memswap_limit": config.memory,
        "nano_cpus": int(config.cpus * 1e9),
        "pids_limit": config.pids_limit,
        "cap_drop": ["ALL"],
        "cap_add": list(KEPT_CAPABILITIES),
        "security_opt": ["no-new-privileges"],
        "shm_size": _SHM_SIZE,
        "tmpfs": dict(CGROUP_MASK),  # no cgroup counter of one sample is readable by the next (`_counters`)
        # nothing reads the container's own output; kept, it would be unlimited disk on the host
        "log_config": LogConfig(type=LogConfig.types.NONE),
    }
