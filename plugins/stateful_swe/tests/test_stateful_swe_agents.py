"""The model baselines on mockllm: BM25 brings the earlier words in; the user-model agent keeps a model in memory."""

from __future__ import annotations

import json
from pathlib import Path

from stateful_swe_support import SCRIPTED_USER, run_harness

from harness_stateful_swe._agents import retrieve

FAST = [*SCRIPTED_USER, "task.sandbox=local", "task.profiles=[maya]", "task.message_limit=4"]


def _system_prompt(log_dir: Path) -> str:
    from inspect_ai.log import read_eval_log

    log = read_eval_log(str(next(log_dir.glob("*/*.eval"))))
    return str(log.samples[0].messages[0].content)


def test_bm25_retrieval_finds_the_preference_turns_among_chatter():
    said = [
        "Thanks.",
        "Rename the flag, please.",
        "Commit when you're done so I can just pull.",
        "Fine.",
        "Every fix needs a regression test.",
        "Bullet points for the summary, please.",
    ]
    found = retrieve(said, 3)
    assert set(found) == {said[2], said[4], said[5]}


def test_the_bm25_agent_is_told_what_the_developer_said_before(tmp_path: Path):
    outcome = run_harness(tmp_path, "task=stateful_swe", "solver=stateful_swe_bm25", "task.sessions=1", *FAST)
    assert outcome.record["samples"]["completed"] == 1
    prompt = _system_prompt(tmp_path)
    assert "What this developer said in earlier sessions" in prompt and "Keep the summary short" in prompt


def test_the_user_model_agent_distils_the_history_into_its_memory(tmp_path: Path):
    saved = tmp_path / "memories.json"
    outcome = run_harness(
        tmp_path, "task=stateful_swe", "solver=stateful_swe_tom", "task.sessions=1", f"user_memory.save={saved}", *FAST
    )
    assert outcome.record["samples"]["completed"] == 1
    model = json.loads(saved.read_text())["maya/1"]["user_model"]
    # mockllm's reply is no JSON: the model falls back to the developer's own words as notes
    assert any("annotations on every function" in note for note in model["notes"])
    assert "What you know about this developer" in _system_prompt(tmp_path)
