"""Shared paths and runners of the critic-rubrics tests."""

from __future__ import annotations

import os
import subprocess
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from harness.testing import run_harness as harness_command

PLUGIN = Path(__file__).resolve().parents[1]
EXAMPLES = PLUGIN / "examples"
TRAIN = EXAMPLES / "traces" / "train"
ATTEMPTS = EXAMPLES / "traces" / "attempts"
CRITIC = EXAMPLES / "critic-synthetic.yaml"


def critic_command(*args: str) -> int:
    """Run `harness critic ARGS` in this process, through the installed `harness.commands` entry point."""
    (command,) = entry_points(group="harness.commands", name="critic")
    return int(command.load()(list(args)))


def fails_with(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run a `harness critic` command that must fail with exit 2 and one error line; returns that line."""
    code = critic_command(*args)
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("harness critic: error: "), err
    return err


def harness(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the real `harness` command in a process of its own."""
    environment = {k: v for k, v in os.environ.items() if k != "HARNESS_DISABLE_PLUGINS"}
    environment.update(env or {})
    return harness_command(*args, cwd=cwd, env=environment, timeout=600)
