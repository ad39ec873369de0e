"""Helpers for the Ambig-SWE plugin's own tests (a plain module: the core's tests own the name `conftest`)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from harness.testing import require_docker as require_docker  # the one check, re-exported for these tests
from harness.testing import run_harness as harness_command

REPO = Path(__file__).resolve().parents[3]
PLUGIN = Path(__file__).resolve().parents[1]
DATA = PLUGIN / "tests" / "data"  # copies from the Ambig-SWE release (MIT); the plugin README names their sources
PLUGIN_SOURCE = PLUGIN / "src" / "harness_ambig_swe"


def run_harness(*args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """The real `harness` command in a process of its own."""
    environment = {key: value for key, value in os.environ.items() if key != "HARNESS_DISABLE_PLUGINS"}
    return harness_command(*args, env=environment, timeout=timeout)
