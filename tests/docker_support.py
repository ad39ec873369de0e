"""Helpers for tests that need a Docker engine (which `.ci/run` starts) and the base image."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest


def require_docker() -> None:
    """Fail (in CI) or skip (on a workstation without an engine) when no Docker engine answers."""
    from harness.sandbox._base_image import base_image_exists
    from harness.sandbox._engine import SandboxError

    try:
        present = base_image_exists()
    except SandboxError as ex:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide a Docker engine: {ex}")
        pytest.skip(f"no Docker engine: {ex}")
    if not present:
        pytest.fail("plugeval/base:bookworm is missing: run `harness sandbox base-image` (.ci/run does)")


def run(coro: Any) -> Any:
    return asyncio.run(coro)
