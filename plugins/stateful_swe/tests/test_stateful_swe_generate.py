"""Histories written by a model are kept only when they validate; the scripted writer needs no model."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from stateful_swe_support import scripted_model

from harness import ConfigError
from harness_stateful_swe import load_profiles, scripted_history
from harness_stateful_swe._generate import generate_history, generation_prompt, write_histories


def test_a_model_history_is_retried_until_it_validates():
    profile = load_profiles()["raj"]
    valid = {"sessions": scripted_history(profile, 4, seed=7).to_dict()["sessions"]}
    model = scripted_model("Sure! Here you go: not json", json.dumps(valid))
    history = asyncio.run(generate_history(profile, 4, model, attempts=3, max_tokens=100))
    assert len(history.sessions) == 4 and history.generator == "model:mockllm/model"
    assert "ci_untouched" in generation_prompt(profile, 4) and "terse" not in generation_prompt(profile, 4)


def test_a_model_that_never_writes_a_valid_history_is_a_one_line_error_with_the_last_problem():
    profile = load_profiles()["raj"]
    bad = scripted_history(profile, 2).to_dict()
    bad["sessions"][0]["turns"][2]["expresses"] = ["summary_detailed"]  # not one of Raj's
    model = scripted_model(json.dumps({"sessions": bad["sessions"]}), "{}")
    with pytest.raises(ConfigError) as raised:
        asyncio.run(generate_history(profile, 2, model, attempts=2, max_tokens=100))
    assert "no valid history in 2 attempts" in str(raised.value) and "sessions" in str(raised.value)


def test_the_scripted_writer_writes_longer_histories_that_the_task_reads(tmp_path: Path):
    lines = write_histories(["maya", "kenji"], 6, None, 1, 100, str(tmp_path))
    assert len(lines) == 2 and "6 sessions" in lines[0]
    data = json.loads((tmp_path / "maya.json").read_text())
    assert [s["session"] for s in data["sessions"]] == [-6, -5, -4, -3, -2, -1]
    from harness_stateful_swe import stateful_swe

    task = stateful_swe(profiles=["maya"], sessions=1, histories=str(tmp_path), sandbox="local")
    sample = task.dataset[0]
    assert len(sample.metadata["history"]) == 6 and "history/session_06.md" in sample.files
