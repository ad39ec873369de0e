"""Whole runs through the harness (local sandbox, scripted user and judge, no model): the agent that applies
what it knows of the user beats the one that ignores it with non-overlapping CIs; the report pairs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stateful_swe_support import SCRIPTED_USER, harness_cli, metric, run_harness

from harness import HarnessError
from harness_stateful_swe import load_profiles
from harness_stateful_swe._cli import main
from harness_stateful_swe._report import report

SCRIPTED = [*SCRIPTED_USER, "task.sandbox=local", "task.sessions=1", "max_samples=8"]

# the two scripted runs (30 sessions) are shared by the tests that read them: one worker runs them all
pytestmark = pytest.mark.xdist_group("stateful_swe_scripted_runs")


@pytest.fixture(scope="module")
def scripted_runs(tmp_path_factory) -> dict[str, dict]:
    """The two scripted agents on the first session of all 15 developers, with their shipped histories."""
    runs = {}
    for agent in ("applier", "ignorer"):
        logs = tmp_path_factory.mktemp(agent)
        outcome = run_harness(logs, "task=stateful_swe", f"solver=stateful_swe_scripted_{agent}", *SCRIPTED)
        runs[agent] = {"record": outcome.record, "dir": str(next(logs.glob("*/results.json")).parent)}
    return runs


@pytest.mark.slow  # 30 sessions with real git and unittest: ~30 s on an idle 2-CPU machine, minutes under load
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


@pytest.mark.slow  # shares the scripted runs above
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
    """Maya, four sessions: three topics asked a session until all are known; the answers kept in the memory."""
    saved = tmp_path / "memories.json"
    outcome = run_harness(
        tmp_path,
        "task=stateful_swe",
        "solver=stateful_swe_scripted_applier",
        *SCRIPTED_USER,
        "task.sandbox=local",
        "task.setting=memory",
        "task.profiles=[maya]",
        "task.sessions=4",
        f"user_memory.save={saved}",
    )
    assert outcome.record["samples"]["completed"] == 4
    memory = json.loads(saved.read_text())["maya"]
    assert set(memory["preferences"]) == set(load_profiles()["maya"].preferences)  # all seven, learnt by asking
    assert len(memory["asked"]) == 6  # once she said "no questions" (autonomy, session 2), it stopped asking
    per_session = report([str(next(tmp_path.glob("*/results.json")).parent)])["runs"][0]["sessions"]
    first, last = per_session[1]["satisfaction"]["value"], per_session[4]["satisfaction"]["value"]
    assert first < last == 1.0, per_session  # Maya wants no questions: only the last session asks none


@pytest.mark.parametrize(
    "args, message",
    [
        (["report", "/nonexistent/run"], "no run found"),
        (["histories", "nobody", "--out", "x"], "unknown profiles ['nobody']"),
        (["histories", "maya", "--sessions", "0", "--out", "x"], "--sessions and --attempts must be at least 1"),
    ],
)
def test_bad_command_input_is_a_one_line_error(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


@pytest.mark.parametrize(
    "args, message",
    [
        (["task.setting=later"], "'task.setting' must be one of"),
        (["task.profiles=[zed]"], "unknown ['zed']"),
        (["task.sessions=11"], "task.sessions must be 1-10"),
        (["task.sandbox=vm"], "'task.sandbox' must be one of"),
        (["task.histories=/nowhere"], "history /nowhere not found"),
    ],
)
def test_bad_task_settings_are_one_line_errors(args, message, tmp_path: Path):
    with pytest.raises(HarnessError) as raised:
        run_harness(tmp_path, "task=stateful_swe", *args)
    assert message in str(raised.value) and "\n" not in str(raised.value)
