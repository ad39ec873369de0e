"""Starting one sandbox container: the limits, labels and isolation every harness container gets."""

from __future__ import annotations

from typing import Any

from harness.sandbox._config import DockerSandboxConfig
from harness.sandbox._disk import DISK_LABEL, quota_refused, storage_mechanism
from harness.sandbox._engine import OWNER_LABEL, OWNER_START_LABEL, RUN_LABEL, SandboxError, docker_client
from harness.sandbox._owner import owner_tag, process_start

_SHM_SIZE = "64m"  # /dev/shm: a tmpfs, charged to the memory limit


def start_container(image: str, config: DockerSandboxConfig, run_id: str, network: str | None) -> tuple[str, str]:
    """Start a container that sleeps until used; returns its id and the disk-limit mechanism in force.

    Every container runs under tini (`init`), with no network unless `network` names one, the
    config's memory (no swap), CPU, process and disk limits, `no-new-privileges`, and no log of its
    own output. Labels name the run, the owner process and the disk mechanism (see `_disk`).
    """
    mechanism = "none" if config.disk_bytes is None else storage_mechanism()
    try:
        return _run(image, config, run_id, network, mechanism), mechanism
    except SandboxError as ex:
        if mechanism != "quota" or not quota_refused(ex.__cause__ or ex):
            raise
    return _run(image, config, run_id, network, "watchdog"), "watchdog"


def _run(image: str, config: DockerSandboxConfig, run_id: str, network: str | None, disk_mechanism: str) -> str:
    import docker.errors
    from docker.types import LogConfig, Ulimit

    disk = config.disk_bytes
    options: dict[str, Any] = {}
    if disk is not None:
        # one file cannot pass the limit, whatever the mechanism for the total
        options["ulimits"] = [Ulimit(name="fsize", soft=disk, hard=disk)]
    if disk_mechanism == "quota":
        options["storage_opt"] = {"size": str(disk)}
    try:
        container = docker_client().containers.run(
            image,
            command=["sleep", "infinity"],
            detach=True,
            init=True,
            labels={
                RUN_LABEL: run_id,
                OWNER_LABEL: owner_tag(),
                OWNER_START_LABEL: process_start(),
                DISK_LABEL: disk_mechanism,
            },
            network_mode=network or "none",
            mem_limit=config.memory,
            memswap_limit=config.memory,
            nano_cpus=int(config.cpus * 1e9),
            pids_limit=config.pids_limit,
            environment=list(config.environment),
            security_opt=["no-new-privileges"],
            shm_size=_SHM_SIZE,
            # nothing reads the container's own output; kept, it would be unlimited disk on the host
            log_config=LogConfig(type=LogConfig.types.NONE),
            **options,
        )
    except docker.errors.ImageNotFound as ex:
        raise SandboxError(f"sandbox image {image!r} not found: {ex.explanation}") from ex
    except docker.errors.APIError as ex:
        raise SandboxError(f"could not start a sandbox from {image!r}: {ex.explanation}") from ex
    return container.id
