"""Helpers for the Ambig-SWE plugin's own tests (a plain module: the core's tests own the name `conftest`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PLUGIN = Path(__file__).resolve().parents[1]
DATA = PLUGIN / "tests" / "data"  # copies from the Ambig-SWE release (MIT); the plugin README names their sources
PLUGIN_SOURCE = PLUGIN / "src" / "harness_ambig_swe"


def run_harness(*args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """The real `harness` command in a subprocess."""
    environment = {key: value for key, value in os.environ.items() if key != "HARNESS_DISABLE_PLUGINS"}
    return subprocess.run(
        [sys.executable, "-m", "harness", *args], capture_output=True, text=True, env=environment, timeout=timeout
    )


def require_docker() -> None:
    """Fail (in CI) or skip (elsewhere) when no Docker engine answers or the base image is missing."""
    try:
        import docker

        client = docker.from_env()
        client.ping()
        client.images.get("plugeval/base:bookworm")
    except Exception as ex:  # noqa: BLE001 - any failure means no usable engine
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide a Docker engine and plugeval/base:bookworm: {ex}")
        pytest.skip(f"no Docker engine or base image: {ex}")
