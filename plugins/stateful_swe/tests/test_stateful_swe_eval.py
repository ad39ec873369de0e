"""Whole runs through the harness (local sandbox, scripted user and judge, no model): the agent that applies
what it knows of the user beats the one that ignores it with non-overlapping CIs; the report pairs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stateful_swe_support import SCRIPTED_USER, harness_cli, metric, run_harness

from harness import HarnessError
from harness_stateful_swe._report import report

SCRIPTED = [*SCRIPTED_USER, "task.sandbox=local", "task.sessions=1", "max_samples=8"]


@pytest.fixture(scope="module")
def scripted_runs(tmp_path_factory) -> dict[str, dict]:
    """The two scripted agents on the first session of all 15 developers, with their shipped histories."""
    runs = {}
    for agent in ("applier", "ignorer"):
        logs = tmp_path_factory.mktemp(agent)
        outcome = run_harness(logs, "task=stateful_swe", f"solver=stateful_swe_scripted_{agent}", *SCRIPTED)
        runs[agent] = {"record": outcome.record, "dir": str(next(logs.glob("*/results.json")).parent)}
    return runs


def test_the_applier_beats_the_ignorer_on_preference_satisfaction_with_non_overlapping_cis(scripted_runs):
    good, bad = (metric(scripted_runs[a]["record"], "satisfaction") for a in ("applier", "ignorer"))
    assert good["n"] == bad["n"] == 15
    assert bad["ci95"][1] < good["ci95"][0], (bad, good)
    for agent in ("applier", "ignorer"):  # both fix every issue: the difference is the user, not the code
        assert metric(scripted_runs[agent]["record"], "resolved")["value"] == 1.0
    assert (
        metric(scripted_runs["applier"]["record"], "success")["value"]
        > metric(scripted_runs["ignorer"]["record"], "success")["value"]
    )


def test_the_report_pairs_the_runs_on_the_same_sessions(scripted_runs, tmp_path: Path):
    dirs = [scripted_runs[a]["dir"] for a in ("ignorer", "applier")]
    data = report(dirs)
    assert [r["label"] for r in data["runs"]] == ["scripted_ignorer @ history", "scripted_applier @ history"]
    assert set(data["runs"][0]["profiles"]) == {
        "maya",
        "oliver",
        "priya",
        "kenji",
        "sofia",
        "lucas",
        "amara",
        "dmitri",
        "hana",
        "marcus",
        "elena",
        "raj",
        "chloe",
        "yusuf",
        "ingrid",
    }
    pair = data["paired"][0]
    assert pair["n"] == 15 and pair["satisfaction"]["ci95"][0] > 0  # the applier is better on the same sessions
    assert pair["satisfaction"]["a_better"] == 0
    out = tmp_path / "report.json"
    printed = harness_cli("stateful-swe", "report", *dirs, "--json", str(out))
    assert printed.returncode == 0, printed.stderr
    assert "## Paired comparisons" in printed.stdout and "scripted_applier @ history" in printed.stdout
    assert json.loads(out.read_text())["paired"][0]["n"] == 15


def test_in_the_memory_setting_the_applier_learns_by_asking_and_later_sessions_are_better(tmp_path: Path):
    """Two developers, four sessions each: questions in the first sessions, the answers kept in the user memory."""
    saved = tmp_path / "memories.json"
    outcome = run_harness(
        tmp_path,
        "task=stateful_swe",
        "solver=stateful_swe_scripted_applier",
        *SCRIPTED_USER,
        "task.sandbox=local",
        "task.setting=memory",
        "task.profiles=[maya,hana]",
        "task.sessions=4",
        f"user_memory.save={saved}",
    )
    assert outcome.record["samples"]["completed"] == 8
    memories = json.loads(saved.read_text())
    assert set(memories["maya"]["preferences"]) >= {"summary_brief", "regression_test", "commit_when_done"}
    data = report([str(next(tmp_path.glob("*/results.json")).parent)])
    per_session = data["runs"][0]["sessions"]
    first, last = per_session[1]["satisfaction"]["value"], per_session[4]["satisfaction"]["value"]
    assert last > first and last == 1.0, per_session


@pytest.mark.parametrize(
    "args, message",
    [
        (["report", "/nonexistent/run"], "no run found"),
        (["histories", "nobody", "--out", "x"], "unknown profiles ['nobody']"),
    ],
)
def test_bad_command_input_is_a_one_line_error(args, message, tmp_path: Path):
    result = harness_cli("stateful-swe", *args)
    assert result.returncode == 2 and message in result.stderr and result.stderr.count("\n") == 1, result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["task.setting=later"], "'task.setting' must be one of"),
        (["task.profiles=[zed]"], "unknown ['zed']"),
        (["task.sessions=11"], "task.sessions must be 1-10"),
        (["task.sandbox=vm"], "'task.sandbox' must be one of"),
        (["task.histories=/nowhere"], "history /nowhere/maya.json not found"),
    ],
)
def test_bad_task_settings_are_one_line_errors(args, message, tmp_path: Path):
    with pytest.raises(HarnessError) as raised:
        run_harness(tmp_path, "task=stateful_swe", *args)
    assert message in str(raised.value) and "\n" not in str(raised.value)
