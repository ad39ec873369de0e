"""Helpers for the DECEPTICON tests (a plain module: the core's tests own the name `conftest`)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
ARTIFACTS = REPO / "test-artifacts" / "decepticon"


def require_chromium() -> None:
    """Skip on a workstation without Chromium; fail in CI, where .ci/run installs it."""
    if os.environ.get("DECEPTICON_CHROMIUM") or shutil.which("chromium"):
        return
    if os.environ.get("CI"):
        pytest.fail("Debian's chromium is needed (.ci/run installs it)")
    pytest.skip("no chromium on this workstation (apt-get install chromium)")

DATA = Path(__file__).parent / "data"


@pytest.fixture
def shop_task():
    """A hand-written shop task with the sneak-into-basket pattern."""
    from harness_decepticon._tasks import load_tasks

    return load_tasks(DATA / "shop_sneak.json")[0]
