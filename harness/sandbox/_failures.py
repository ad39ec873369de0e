"""Turning Docker's errors about a sample's container into the errors inspect's sandbox API promises."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from inspect_ai.util import SandboxUnavailableError

from harness._errors import InfraError
from harness.sandbox._engine import SandboxError

if TYPE_CHECKING:
    from harness.sandbox._pool import Lease


class ContainerUnavailableError(SandboxUnavailableError, InfraError):
    """The sample's container is gone or Docker failed the call: inspect's error, and an infrastructure fault."""


@contextmanager
def container_calls(lease: Lease) -> Iterator[None]:
    """Wrap calls on a sample's container, mapping Docker's errors to the ones inspect promises.

    A vanished or stopped container (or an engine that stopped answering) raises inspect's
    `SandboxUnavailableError` (as `ContainerUnavailableError`, also a `harness.InfraError`); a container
    the disk watchdog took away (or whose own file system the call filled) raises `SandboxError`
    saying why, on this and every later call.
    """
    import docker.errors
    import requests.exceptions

    if lease.failure:
        raise SandboxError(lease.failure)
    try:
        yield
        if lease.after_call is not None:
            lease.after_call()
    except (docker.errors.DockerException, requests.exceptions.RequestException) as ex:
        if lease.failure:
            raise SandboxError(lease.failure) from ex
        reason = getattr(ex, "explanation", None) or (str(ex).splitlines() or [type(ex).__name__])[0]
        message = f"the sandbox container {lease.container_id[:12]} is gone or not running ({reason})"
        raise ContainerUnavailableError(message) from ex
    if lease.failure:
        raise SandboxError(lease.failure)
