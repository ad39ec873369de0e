"""Helpers for tests that need a Docker engine (which `.ci/run` starts) and the base image."""

from __future__ import annotations

import asyncio
from typing import Any

from harness.testing import require_docker as require_docker  # the one check, re-exported for these tests


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def open_sample(config: Any = None) -> dict[str, Any]:
    """What inspect does before a sample: task_init, then sample_init; returns the environments."""
    from harness.sandbox._environment import HarnessDockerSandbox

    await HarnessDockerSandbox.task_init("test", config)
    return await HarnessDockerSandbox.sample_init("test", config, {})


async def close_sample(environments: dict[str, Any], config: Any = None) -> None:
    """What inspect does after a sample: sample_cleanup (the pool keeps or discards the containers)."""
    from harness.sandbox._environment import HarnessDockerSandbox

    await HarnessDockerSandbox.sample_cleanup("test", config, environments, False)


def container_exists(container_id: str) -> bool:
    """Whether the engine still has the container (running or not)."""
    import docker.errors

    from harness.sandbox._engine import docker_client

    try:
        docker_client().api.inspect_container(container_id)
    except docker.errors.NotFound:
        return False
    return True


async def processes(env: Any) -> str:
    """Every process in the sandbox, one `args` line each (read as root, so nothing hides)."""
    return (await env.exec(["ps", "-eo", "args="], user="root")).stdout
