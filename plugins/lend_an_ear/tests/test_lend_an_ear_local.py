"""The task end to end on the real local model (SmolLM2-135M via llama.cpp), offline: it is the supporter,
the seeker (`user` role) and the judge (`grader` role) at once. Messages are capped to keep it short."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lend_an_ear_testkit import harness_cli, metric


@pytest.mark.slow
def test_the_local_model_runs_five_conversations_offline(tmp_path: Path):
    result = harness_cli(
        "eval", "task=lend_an_ear", "model=local/smollm2-135m", "limit=5", f"log_dir={tmp_path}", "display=none",
        "task.turns=2", "task.max_tokens=40", "task.judge_max_tokens=60",
        "simulator=lend_an_ear_seeker", "simulator.max_tokens=30",
        timeout=1800,  # a few CPU-minutes; llama.cpp slows down badly on a machine shared with other jobs
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    record = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    assert record["status"] == "success" and record["samples"]["completed"] == 5, record["samples"]
    alignment = metric(record, "alignment")
    assert alignment["n"] == 5 and -1 <= alignment["value"] <= 1  # judge=both: lexical where the judge gave no answer
    assert record["simulation"]["simulators"] == ["lend_an_ear_seeker:llm:role=user"]
    assert record["simulation"]["turns_per_sample"]["value"] == 2
    from inspect_ai.log import read_eval_log

    log = read_eval_log(record["inspect_log"], resolve_attachments=True)
    for sample in log.samples or []:
        models = [e for e in sample.events if e.event == "model"]
        # per conversation: 2 supporter turns, 2 seeker replies, 3 ratings, 2 judge calls, all on the local model
        assert len(models) == 9 and {e.model for e in models} == {"local/smollm2-135m"}
        prompts = [e.input[0].text for e in models if e.input and e.input[0].role == "system"]
        assert any("written by an AI system" in p for p in prompts)  # the attribution reached the seeker model
