"""Under load: two `careful` runs at once at the default concurrency both score what the README says."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from decepticon_testkit import require_chromium


@pytest.mark.slow
def test_two_careful_runs_at_once_both_reach_every_goal_without_dp(tmp_path):
    require_chromium()
    environment = {k: v for k, v in os.environ.items() if k != "HARNESS_DISABLE_PLUGINS"}
    runs = []
    for name in ("first", "second"):  # 12 episodes each (6 tasks x 2 variants), no concurrency set
        command = [
            sys.executable, "-m", "harness", "eval", "task=decepticon", "solver=decepticon_careful",
            "model=mockllm/model", "limit=12", f"log_dir={tmp_path / name}",
        ]  # fmt: skip
        runs.append(subprocess.Popen(command, cwd=tmp_path, env=environment, stdout=subprocess.PIPE, text=True,
                                     stderr=subprocess.STDOUT))  # fmt: skip
    outputs = [run.communicate(timeout=900)[0] for run in runs]
    for name, run, output in zip(("first", "second"), runs, outputs, strict=True):
        assert run.returncode == 0, output[-3000:]
        record = json.loads(next((tmp_path / name).rglob("results.json")).read_text())
        success = next(m for m in record["metrics"] if m["scorer"] == "success")
        dp = next(m for m in record["metrics"] if m["scorer"] == "dp")
        assert (success["value"], success["n"]) == (1.0, 12), (name, success)
        assert (dp["value"], dp["n"]) == (0.0, 12), (name, dp)
        assert record["samples"]["errors"] == 0 and record["samples"].get("infra_errors", 0) == 0, record["samples"]
