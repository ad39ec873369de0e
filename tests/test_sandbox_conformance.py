"""inspect's own portable sandbox conformance suite, run against harness-docker (pooled and unpooled).

`inspect_ai.util._sandbox.self_check` holds the checks as plain async test functions; importing them
puts them in this module's collection, and the `sandbox_env` fixture below gives each a sandbox.
Nothing is marked as an expected failure: harness-docker passes every check.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from docker_support import require_docker
from inspect_ai.util._sandbox.self_check import *  # noqa: F403

pytestmark = pytest.mark.anyio

CONFIGS = {
    # a fresh container per check, from a pool that keeps none waiting
    "unpooled": {"pool_size": 0},
    # a warm pool: checks that leave nothing behind hand their container to the next check
    "pooled": {"pool_size": 2},
}


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module", autouse=True)
def _close_pools_after_the_suite():
    yield
    from harness.sandbox import close_sandbox_pools

    close_sandbox_pools()


@pytest.fixture(params=sorted(CONFIGS))
async def sandbox_env(request: pytest.FixtureRequest, anyio_backend: str) -> AsyncIterator[object]:
    from harness.sandbox import DockerSandboxConfig
    from harness.sandbox._environment import HarnessDockerSandbox

    require_docker()
    config = DockerSandboxConfig(**CONFIGS[request.param])
    await HarnessDockerSandbox.task_init("conformance", config)
    environments = await HarnessDockerSandbox.sample_init("conformance", config, {})
    try:
        yield environments["default"]
    finally:
        await HarnessDockerSandbox.sample_cleanup("conformance", config, environments, False)


def test_the_whole_suite_is_collected():
    from inspect_ai.util._sandbox import self_check

    checks = [name for name in self_check.__all__ if name.startswith("test_")]
    assert len(checks) >= 44
    assert all(name in globals() for name in checks)
