"""The issue's command on the real local model, offline: `harness eval task=stateful_swe model=local/smollm2-135m`.

SmolLM2-135M (llama.cpp on the CPU, ~50 tokens/s) plays the agent, the user (`user` role) and the
grader (`grader` role); the sessions run in the default harness-docker sandbox. Its answers are capped
(max_tokens=32, 6 messages a session) to keep the run short. A 135M model resolves nothing; the point is
that the whole path runs offline and reports both parts with their intervals.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from stateful_swe_support import harness_cli, metric, require_docker


@pytest.mark.slow  # four sessions of a 135M model on the CPU, in containers
def test_the_benchmark_runs_offline_on_the_local_model(tmp_path: Path):
    pytest.importorskip("llama_cpp", reason="the [local] extra of plugeval (llama-cpp-python) is not installed")
    require_docker()
    started = time.monotonic()
    result = harness_cli(
        "eval",
        "task=stateful_swe",
        "model=local/smollm2-135m",
        "limit=4",
        "max_tokens=32",
        "task.message_limit=6",
        f"log_dir={tmp_path}",
        "display=none",
        timeout=1500,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    record = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    assert record["samples"]["completed"] == 4, record["samples"]
    for part in ("resolved", "satisfaction", "satisfied", "success"):
        found = metric(record, part)
        assert found["n"] == 4 and found["ci95"] is not None and 0.0 <= found["value"] <= 1.0, found
    assert "satisfaction/mean" in result.stdout
    print(f"local model: {time.monotonic() - started:.0f} s; satisfaction {metric(record, 'satisfaction')}")
