"""`harness.sandbox.Container`: a hardened container for work outside a sample's sandbox.

Evaluators want a fresh container per test run, build checks want one for a dry run: those start
here, through the same path as every sample's sandbox (`_container.start_container`: non-root
commands, capabilities dropped, `no-new-privileges`, seccomp, memory/CPU/process/disk limits, no log,
the run and owner labels) and are removed on `close()`, at interpreter exit, or by the next run's
reaping (`harness sandbox cleanup`) when the process died.
"""

from __future__ import annotations

import atexit
import posixpath
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from harness._errors import InfraError
from harness.sandbox import _files
from harness.sandbox._config import DockerSandboxConfig
from harness.sandbox._container import Started, remove_container, start_container
from harness.sandbox._disk import LayerMeter, LoopMeter
from harness.sandbox._engine import SandboxError, docker_client
from harness.sandbox._exec import TIMEOUT_BINARY, run_exec
from harness.sandbox._owner import current_run_id
from harness.sandbox._watchdog import watchdog

_live: set[str] = set()
_live_lock = threading.Lock()


@dataclass(frozen=True)
class CommandResult:
    """What a command in a `Container` did."""

    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False
    seconds: float = 0.0

    @property
    def success(self) -> bool:
        """Exit code 0 (and not timed out)."""
        return self.returncode == 0 and not self.timed_out

    @property
    def output(self) -> str:
        """stdout followed by stderr."""
        return self.stdout + self.stderr


class Container:
    """A started container from `image`, hardened like every harness sandbox, removed on `close()`.

    Use it as a context manager. Commands run as `config.user` ("auto": `agent` when the image has
    it) in `config.workdir` unless told otherwise; `config` sets the limits (default: the
    `DockerSandboxConfig` defaults, no network). Docker's faults while starting it or running a
    command raise `harness.InfraError` carrying Docker's own message; a full disk raises
    `SandboxError` on the call that filled it and every later one.

    Args:
        image: The image to run.
        config: Limits, user, workdir and environment (its `image`, `pool_size` and
            `environments` are not used).
        labels: Extra container labels (the run, owner and disk labels are always set).
        mounts: Host directories to bind read-only (host path → container path).
    """

    def __init__(
        self,
        image: str,
        config: DockerSandboxConfig | None = None,
        *,
        labels: dict[str, str] | None = None,
        mounts: dict[str, str] | None = None,
    ) -> None:
        self.image = image
        self.config = config or DockerSandboxConfig()
        if self.config.network:
            raise SandboxError("harness.sandbox.Container has no network: use a task's sandbox for network access")
        self.failure: str | None = None
        self._started = _start(image, self.config, labels or {}, mounts or {})
        self.id = self._started.container_id
        with _live_lock:
            _live.add(self.id)
        try:
            self.user = self._resolve_user()
            self._timeout_in_container = self._run_root(["test", "-x", TIMEOUT_BINARY]).returncode == 0
            script = 'mkdir -p "$1" && chown "$2" "$1"'
            self._run_root(["/bin/sh", "-c", script, "sh", self.config.workdir, self.user or "root"])
            self._watch_disk()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Container:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def exec(
        self,
        cmd: Sequence[str],
        *,
        input: str | bytes | None = None,
        workdir: str | None = None,
        env: dict[str, str] | None = None,
        user: str | None = None,
        timeout: int | None = None,
    ) -> CommandResult:
        """Run `cmd` (blocking); after `timeout` seconds it is killed with all it started (`timed_out`)."""
        data = input.encode() if isinstance(input, str) else input
        where = posixpath.join(self.config.workdir, workdir) if workdir else self.config.workdir
        outcome = self._call(
            run_exec, docker_client().api, self.id, list(cmd), input=data, workdir=where, env=env,
            user=user or self.user, timeout=timeout, can_timeout_in_container=self._timeout_in_container,
        )  # fmt: skip
        decode = lambda raw: raw.decode("utf-8", errors="replace")  # noqa: E731
        return CommandResult(outcome.returncode, decode(outcome.stdout), decode(outcome.stderr),
                             outcome.timed_out, outcome.seconds)  # fmt: skip

    def write_file(self, path: str, contents: str | bytes, *, user: str | None = None) -> None:
        """Write a file (parents created) as `user` (default: the container's user); relative to the workdir."""
        data = contents.encode("utf-8") if isinstance(contents, str) else contents
        self._call(_files.write_file, docker_client().api, self.id, self._path(path), data, user or self.user)

    def read_file(self, path: str, *, user: str | None = None, max_size: int = 100 * 1024**2) -> bytes:
        """Read a regular file (at most `max_size` bytes) as `user`; relative to the workdir."""
        return self._call(_files.read_file, docker_client().api, self.id, self._path(path), user or self.user, max_size)

    def close(self) -> None:
        """Remove the container (killing whatever still runs in it) and its disk."""
        watchdog.unwatch(self.id)
        remove_container(self.id)
        with _live_lock:
            _live.discard(self.id)

    # -- internals ------------------------------------------------------------------------------

    def _call(self, function, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        import docker.errors
        import requests.exceptions

        if self.failure:
            raise SandboxError(self.failure)
        try:
            result = function(*args, **kwargs)
        except (docker.errors.DockerException, requests.exceptions.RequestException) as ex:
            if self.failure:
                raise SandboxError(self.failure) from ex
            raise InfraError(f"the container {self.id[:12]} from {self.image} failed: {_reason(ex)}") from ex
        watchdog.check_now(self.id)
        if self.failure:
            raise SandboxError(self.failure)
        return result

    def _run_root(self, cmd: list[str]):  # noqa: ANN202
        return self._call(run_exec, docker_client().api, self.id, cmd, user="root")

    def _resolve_user(self) -> str | None:
        user = self.config.user
        if user == "auto":
            return "agent" if self._run_root(["id", "-u", "agent"]).returncode == 0 else None
        return user

    def _path(self, path: str) -> str:
        return posixpath.normpath(posixpath.join(self.config.workdir, path))

    def _watch_disk(self) -> None:
        limit = self.config.disk_bytes
        started = self._started
        if limit is None or started.mechanism not in ("loop", "watchdog"):
            return
        meter = LoopMeter(started.disk) if started.disk is not None else LayerMeter(self.id, _upper(self.id))
        watchdog.watch(meter, limit, self._disk_full)

    def _disk_full(self, used: int) -> None:
        self.failure = (
            f"container disk limit of {self.config.disk} exceeded: its files reached {used / 1024**2:.1f} MiB "
            f"(mechanism {self._started.mechanism}), so it was stopped and removed"
        )
        remove_container(self.id)


def _start(image: str, config: DockerSandboxConfig, labels: dict[str, str], mounts: dict[str, str]) -> Started:
    import docker.errors

    try:
        return start_container(image, config, current_run_id(), None, labels=labels, mounts=mounts)
    except SandboxError as ex:
        cause = ex.__cause__
        if isinstance(cause, docker.errors.APIError) and not isinstance(cause, docker.errors.ImageNotFound):
            raise InfraError(f"could not start a container from {image}: {_reason(cause)}") from cause
        raise


def _upper(container_id: str):  # noqa: ANN202
    from pathlib import Path

    info = docker_client().api.inspect_container(container_id)
    upper = ((info.get("GraphDriver") or {}).get("Data") or {}).get("UpperDir")
    return Path(upper) if upper and Path(upper).is_dir() else None


def _reason(ex: BaseException) -> str:
    return str(getattr(ex, "explanation", None) or (str(ex).splitlines() or [type(ex).__name__])[0])


@atexit.register
def _remove_leftovers() -> None:
    """Remove this process's containers still alive at exit (e.g. after Ctrl-C)."""
    with _live_lock:
        leftovers = list(_live)
    for container_id in leftovers:
        remove_container(container_id)
