"""Connecting to the Docker engine, with an error that says what to do when it is not there."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

from harness._errors import HarnessError, InfraError

if TYPE_CHECKING:
    import docker

RUN_LABEL = "plugeval.run"
"""Label carried by every container the harness starts; its value is the run id."""
OWNER_LABEL = "plugeval.owner"
"""Label naming the process that owns a container, as HOST:PID, so cleanup can tell live runs from dead ones."""
OWNER_START_LABEL = "plugeval.owner_start"
"""Label with the owner process's start time (clock ticks since boot), so a reused pid is not taken for it."""


class SandboxError(HarnessError):
    """A sandbox could not be created, built or used."""


class ImageBuildError(SandboxError, InfraError):
    """`docker build` failed: the message carries Docker's reason and the end of the build's output.

    An infrastructure fault for a run (`harness.InfraError`: retried, counted apart from the score),
    and a `SandboxError` for code that catches those. `log` holds the build's output as Docker sent it.
    """

    def __init__(self, message: str, log: list[str] | None = None) -> None:
        super().__init__(message)
        self.log = log or []


def infra_error(what: str, error: BaseException) -> InfraError:
    """An `InfraError` for a Docker fault while doing `what`, with Docker's own reason (raise it `from error`)."""
    reason = getattr(error, "explanation", None) or (str(error).splitlines() or [type(error).__name__])[0]
    return InfraError(f"{what}: {reason}")


_client: docker.DockerClient | None = None
_client_lock = threading.Lock()


def _forget_client() -> None:
    """In a forked worker: its own client, not the parent's pooled connections to the engine."""
    global _client, _client_lock
    _client, _client_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_client)


def docker_client() -> docker.DockerClient:
    """The process-wide docker client; raises SandboxError when no engine answers."""
    global _client
    with _client_lock:
        if _client is not None:
            return _client
        try:
            import docker
        except ImportError as ex:  # pragma: no cover - docker is a core dependency
            raise SandboxError("the docker Python SDK is missing: pip install 'docker>=7.1'") from ex
        try:
            client = docker.from_env(timeout=120)
            client.ping()
        except Exception as ex:  # docker raises DockerException or requests errors
            raise SandboxError(
                f"no Docker engine answers ({type(ex).__name__}: {str(ex).splitlines()[0] if str(ex) else ''}). "
                "Start dockerd (or set DOCKER_HOST), or choose the local sandbox explicitly with "
                "sandbox=local (no isolation: commands run on this machine)"
            ) from ex
        _client = client
        return client
