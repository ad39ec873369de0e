"""The default sandbox: real harness-docker containers run the sessions, git and the tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stateful_swe_support import SCRIPTED_USER, metric, require_docker, run_harness


@pytest.mark.slow  # two sessions in containers: ~25 s on an idle 2-CPU machine, ~75 s under heavy load
def test_two_sessions_of_one_developer_run_in_docker_and_the_second_asks_only_new_topics(tmp_path: Path):
    require_docker()
    saved = tmp_path / "memories.json"
    outcome = run_harness(
        tmp_path,
        "task=stateful_swe",
        "solver=stateful_swe_scripted_applier",
        *SCRIPTED_USER,
        "task.setting=memory",
        "task.profiles=[marcus]",
        "task.sessions=2",
        f"user_memory.save={saved}",
    )
    record = outcome.record
    assert record["samples"]["completed"] == 2 and metric(record, "resolved")["value"] == 1.0
    asked = json.loads(saved.read_text())["marcus"]["asked"]
    assert len(asked) == 6 and len(set(asked)) == 6  # three topics a session, none asked twice
    from inspect_ai.log import read_eval_log

    log = read_eval_log(str(next(tmp_path.glob("*/*.eval"))))
    assert log.eval.sandbox.type == "harness-docker"
    scores = {s.id: s.scores["session_outcome"].metadata for s in log.samples}
    assert scores["marcus-s1"]["verdicts"]["no_questions"]["honoured"] is False  # it asked, not knowing him yet
    assert scores["marcus-s2"]["artefact"]["questions"] != scores["marcus-s1"]["artefact"]["questions"]
    for session in ("marcus-s1", "marcus-s2"):  # a real commit in the container, as Marcus asked
        assert scores[session]["verdicts"]["commit_when_done"]["honoured"] is True
        assert scores[session]["artefact"]["commits"][0].startswith("Fix ")
