"""`harness-docker`: inspect's SandboxEnvironment on the docker SDK, backed by a warm container pool."""

from __future__ import annotations

import errno
import posixpath
import sys
import threading
from functools import partial
from typing import Any, Literal, Union, overload

import anyio
from inspect_ai.util import (
    ExecResult,
    OutputLimitExceededError,
    SandboxConnection,
    SandboxEnvironment,
    SandboxEnvironmentConfigType,
    SandboxEnvironmentLimits,
    SandboxUserUnsupportedError,
    sandboxenv,
)
from pydantic import BaseModel

from harness.sandbox import _files
from harness.sandbox._cleanup import reap_dead_owners_once
from harness.sandbox._config import DockerSandboxConfig, parse_config
from harness._errors import InfraError
from harness.sandbox._engine import SandboxError, docker_client
from harness.sandbox._exec import refused_to_execute, run_exec
from harness.sandbox._failures import container_calls
from harness.sandbox._images import ensure_image
from harness.sandbox._pool import ContainerPool, Lease, close_pools, pool_for

_images: dict[str, str] = {}
_images_lock = threading.Lock()


def _image_for(config: DockerSandboxConfig) -> str:
    with _images_lock:
        if config.key() not in _images:
            _images[config.key()] = ensure_image(config)
        return _images[config.key()]


def _start_fault(error: SandboxError, image: str) -> Exception:
    """Docker refusing or failing a container start is the infrastructure's fault (InfraError); the rest stays."""
    import docker.errors

    cause = error.__cause__
    if isinstance(cause, docker.errors.APIError) and not isinstance(cause, docker.errors.ImageNotFound):
        return InfraError(f"could not start a sandbox container from {image}: {cause.explanation or cause}")
    return error


def _max_sandboxes() -> int | None:
    """The run's `max_sandboxes` for this sandbox type (inspect's limiter for it), None when unlimited."""
    try:
        from inspect_ai.util._concurrency import sandbox_limiters
    except ImportError:  # an inspect without it: the pool is bounded by max_containers only
        return None
    limiter = sandbox_limiters().get("harness-docker")
    return int(limiter.concurrency) if limiter is not None else None


@sandboxenv(name="harness-docker")
class HarnessDockerSandbox(SandboxEnvironment):
    """A Docker container for one sample: no network, limited memory/CPU/processes, a non-root user.

    Declare it in a task with `sandbox=("harness-docker", IMAGE_OR_CONFIG)`, where the config is an
    image name, a Dockerfile path, a YAML file, or a `DockerSandboxConfig`.
    """

    def __init__(self, pool: ContainerPool, lease: Lease) -> None:
        super().__init__()
        self._pool = pool
        self._lease = lease

    @property
    def container_id(self) -> str:
        """Id of the container this sample runs in."""
        return self._lease.container_id

    # -- lifecycle ------------------------------------------------------------------------------

    @classmethod
    def config_deserialize(cls, config: dict[str, Any]) -> BaseModel:
        return DockerSandboxConfig(**config)

    @classmethod
    async def task_init(cls, task_name: str, config: SandboxEnvironmentConfigType | None) -> None:
        parsed = parse_config(config)
        # a run killed outright could not remove its containers: the next one does (once per process)
        await anyio.to_thread.run_sync(reap_dead_owners_once)
        image = await anyio.to_thread.run_sync(_image_for, parsed)
        pool_for(image, parsed, _max_sandboxes())

    @classmethod
    async def sample_init(
        cls, task_name: str, config: SandboxEnvironmentConfigType | None, metadata: dict[str, str]
    ) -> dict[str, SandboxEnvironment]:
        parsed = parse_config(config)
        image = await anyio.to_thread.run_sync(_image_for, parsed)
        pool = pool_for(image, parsed, _max_sandboxes())
        try:
            leases = await anyio.to_thread.run_sync(pool.acquire_many, len(parsed.environments))
        except SandboxError as ex:
            raise _start_fault(ex, image) from ex.__cause__ or ex
        return {name: cls(pool, lease) for name, lease in zip(parsed.environments, leases, strict=True)}

    @classmethod
    async def sample_cleanup(
        cls,
        task_name: str,
        config: SandboxEnvironmentConfigType | None,
        environments: dict[str, SandboxEnvironment],
        interrupted: bool,
    ) -> None:
        for environment in environments.values():
            if isinstance(environment, HarnessDockerSandbox):
                if interrupted:
                    environment._lease.dirty = True
                await anyio.to_thread.run_sync(environment._pool.release, environment._lease)

    @classmethod
    async def task_cleanup(cls, task_name: str, config: SandboxEnvironmentConfigType | None, cleanup: bool) -> None:
        parsed = parse_config(config)
        image = _images.get(parsed.key())
        if image is None:
            return
        if cleanup:
            await anyio.to_thread.run_sync(partial(close_pools, image, parsed))
        else:
            kept = pool_for(image, parsed).live_containers
            print(
                f"harness-docker: kept {len(kept)} container(s) (no cleanup): {' '.join(c[:12] for c in kept)}",
                file=sys.stderr,
            )

    @classmethod
    async def cli_cleanup(cls, id: str | None) -> None:
        from harness.sandbox._cleanup import remove_containers

        await anyio.to_thread.run_sync(partial(remove_containers, run_id=id, everything=id is None))

    # -- commands and files ---------------------------------------------------------------------

    async def exec(
        self,
        cmd: list[str],
        input: str | bytes | None = None,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        user: str | None = None,
        timeout: int | None = None,
        timeout_retry: bool = True,
        concurrency: bool = True,
    ) -> ExecResult[str]:
        # timeout_retry is not honoured: a command is run once; retrying a command that may have had
        # side effects is the caller's decision
        # abandon_on_cancel: Ctrl-C or a sample time limit must not wait for the command; the
        # container is then discarded, which also ends the abandoned thread's read
        was_dirty, self._lease.dirty = self._lease.dirty, True
        with container_calls(self._lease):
            outcome = await anyio.to_thread.run_sync(
                partial(
                    run_exec,
                    docker_client().api,
                    self._lease.container_id,
                    cmd,
                    input=input.encode() if isinstance(input, str) else input,
                    workdir=posixpath.join(self._lease.workdir, cwd) if cwd else self._lease.workdir,
                    env=env,
                    user=user or self._lease.user,
                    timeout=timeout,
                    max_output=SandboxEnvironmentLimits.MAX_EXEC_OUTPUT_SIZE,
                    can_timeout_in_container=self._lease.timeout_in_container,
                ),
                abandon_on_cancel=True,
            )
        self._lease.dirty = was_dirty
        if outcome.timed_out:
            self._lease.dirty = True  # whatever the command left running is discarded with the container
            raise TimeoutError(f"Command timed out after {timeout} seconds (killed): {' '.join(cmd)[:200]}")
        if refused_to_execute(outcome, cmd):
            raise PermissionError(errno.EACCES, "Permission denied: not executable in the sandbox", cmd[0])
        if outcome.returncode == 126 and user and not await self._user_exists(user):
            raise SandboxUserUnsupportedError(f"user {user!r} does not exist in the sandbox image")
        return ExecResult(
            success=outcome.returncode == 0,
            returncode=outcome.returncode,
            stdout=outcome.stdout.decode("utf-8", errors="replace"),
            stderr=outcome.stderr.decode("utf-8", errors="replace"),
        )

    async def _user_exists(self, user: str) -> bool:
        # docker reports an unknown exec user only as exit 126 with no output
        with container_calls(self._lease):
            check = await anyio.to_thread.run_sync(
                partial(run_exec, docker_client().api, self._lease.container_id, ["id", "-u", user], user="root")
            )
        return check.returncode == 0

    async def write_file(self, file: str, contents: str | bytes) -> None:
        data = contents.encode("utf-8") if isinstance(contents, str) else contents
        with container_calls(self._lease):
            await anyio.to_thread.run_sync(
                _files.write_file,
                docker_client().api,
                self._lease.container_id,
                self._path(file),
                data,
                self._lease.user,
            )

    @overload
    async def read_file(self, file: str, text: Literal[True] = True) -> str: ...

    @overload
    async def read_file(self, file: str, text: Literal[False]) -> bytes: ...

    async def read_file(self, file: str, text: bool = True) -> Union[str | bytes]:
        try:
            with container_calls(self._lease):
                data = await anyio.to_thread.run_sync(
                    _files.read_file,
                    docker_client().api,
                    self._lease.container_id,
                    self._path(file),
                    self._lease.user,
                    SandboxEnvironmentLimits.MAX_READ_FILE_SIZE,
                )
        except _files.FileTooLargeToRead:
            raise OutputLimitExceededError(
                limit_str=SandboxEnvironmentLimits.MAX_READ_FILE_SIZE_STR, truncated_output=None
            ) from None
        return data.decode("utf-8") if text else data

    async def connection(self, *, user: str | None = None) -> SandboxConnection:
        as_user = f"--user {user or self._lease.user} " if (user or self._lease.user) else ""
        return SandboxConnection(
            type="harness-docker",
            command=f"docker exec -it {as_user}{self._lease.container_id[:12]} bash -l",
            container=self._lease.container_id,
        )

    def _path(self, file: str) -> str:
        return posixpath.normpath(posixpath.join(self._lease.workdir, file))
