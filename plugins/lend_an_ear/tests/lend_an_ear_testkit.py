"""Helpers for the Lend an Ear tests (a plain module: the core's tests own the name `conftest`)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from harness.testing import run_harness as harness_command

REPO = Path(__file__).resolve().parents[3]
PLUGIN = Path(__file__).resolve().parents[1]


def run_harness(tmp_path: Path, *args: str) -> Any:
    """`harness eval ...` in this process (the public run API); returns the RunOutcome."""
    from harness import install_offline_token_counting, load_run_config, parse_overrides, run_eval

    install_offline_token_counting()
    tokens = ["model=mockllm/model", "display=none", f"log_dir={tmp_path}", *args]
    return run_eval(load_run_config(parse_overrides(tokens)))


def harness_cli(*args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """The real `harness` command in a process of its own."""
    environment = {k: v for k, v in os.environ.items() if k != "HARNESS_DISABLE_PLUGINS"}
    return harness_command(*args, env=environment, timeout=timeout)


def metric(record: dict[str, Any], name: str) -> dict[str, Any]:
    """The record's metric row for `name` (a key of a dict-valued score)."""
    found = [m for m in record["metrics"] if m["scorer"] == name]
    assert found, f"no metric {name} in {[m['scorer'] for m in record['metrics']]}"
    return found[0]


def scripted_model(*texts: str) -> Any:
    """mockllm that says these texts in order (usage set, so nothing counts tokens)."""
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    outputs = []
    for text in texts:
        output = ModelOutput.from_content("mockllm/model", text)
        output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        outputs.append(output)
    return get_model("mockllm/model", custom_outputs=outputs)
