"""Turning Docker's errors about a sample's container into the errors inspect's sandbox API promises."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from harness.sandbox._engine import SandboxError

if TYPE_CHECKING:
    from harness.sandbox._pool import Lease


@contextmanager
def container_calls(lease: Lease) -> Iterator[None]:
    """Around calls on a sample's container: a vanished or stopped container raises inspect's
    `SandboxUnavailableError`; one the disk watchdog took away raises `SandboxError` saying why."""
    import docker.errors
    import requests.exceptions
    from inspect_ai.util import SandboxUnavailableError

    if lease.failure:
        raise SandboxError(lease.failure)
    try:
        yield
    except (docker.errors.DockerException, requests.exceptions.ConnectionError) as ex:
        if lease.failure:
            raise SandboxError(lease.failure) from ex
        reason = getattr(ex, "explanation", None) or (str(ex).splitlines() or [type(ex).__name__])[0]
        raise SandboxUnavailableError(
            f"the sandbox container {lease.container_id[:12]} is gone or not running ({reason})"
        ) from ex
    if lease.failure:
        raise SandboxError(lease.failure)
