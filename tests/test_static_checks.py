"""The code type-checks and lints: the core and every shipped plugin, as a contributor's pre-commit would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_core_and_every_plugin_type_check():
    sources = ["harness", *sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("plugins/*/src"))]
    assert len(sources) >= 6, sources  # the core and five plugins: a missing plugin is a failure too
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", *sources], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert checked.returncode == 0, checked.stdout[-4000:] + checked.stderr[-2000:]


def test_the_repository_lints_clean():
    linted = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert linted.returncode == 0, linted.stdout[-4000:]
