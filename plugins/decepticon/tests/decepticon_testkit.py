"""Helpers for the DECEPTICON tests (a plain module: the core's tests own the name `conftest`)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

from harness.testing import run_harness as harness_command

REPO = Path(__file__).resolve().parents[3]
ARTIFACTS = REPO / "test-artifacts" / "decepticon"


def require_chromium() -> None:
    """Skip on a workstation without Chromium; fail in CI, where .ci/run installs it."""
    from harness_decepticon._browser import BrowserUnavailable, chromium_path

    if os.environ.get("DECEPTICON_CHROMIUM"):  # a bad path there is the plugin's error to report, not a skip
        return
    try:
        chromium_path()
    except BrowserUnavailable:
        _missing("chromium-headless-shell")


DEBIAN_BROWSERS = ("chromium-headless-shell", "chromium")
"""Debian's two builds of Chromium: the headless shell DECEPTICON prefers and the full browser it falls
back to. They read some switches differently, so the tests of what a switch does run in both."""


def require_browser(name: str) -> str:
    """The path of `name` (one of `DEBIAN_BROWSERS`) on PATH: skip on a workstation without it; fail in CI."""
    found = shutil.which(name)
    if not found:
        _missing(name)
    return found


def _missing(package: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"Debian's {package} is needed (.ci/run installs it)")
    pytest.skip(f"no {package} on this workstation (apt-get install {package})")


DATA = Path(__file__).parent / "data"


def shop_task():
    """A hand-written shop task with the sneak-into-basket pattern."""
    from harness_decepticon._tasks import load_tasks

    return load_tasks(DATA / "shop_sneak.json")[0]


def harness_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
    """Run the real `harness` command in a process of its own."""
    environment = {k: v for k, v in os.environ.items() if k != "HARNESS_DISABLE_PLUGINS"} | (env or {})
    return harness_command(*args, cwd=cwd, env=environment, timeout=600)


def scripted_model(*calls: tuple[str, dict] | str):
    """mockllm that makes these tool calls (or says these texts), in order; usage is set so nothing counts tokens."""
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    outputs = []
    for call in calls:
        if isinstance(call, str):
            output = ModelOutput.from_content("mockllm/model", call)
        else:
            output = ModelOutput.for_tool_call("mockllm/model", call[0], call[1])
        output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        outputs.append(output)
    return get_model("mockllm/model", custom_outputs=outputs)


SHOP = str(DATA / "shop_sneak.json")
"""The hand-written shop task's file (task.tasks=...)."""
