"""Runs through the harness: the scripted supporters separate, the record splits conditions, coaching is paired,
the report is written, and bad task settings are one-line errors."""

from __future__ import annotations

import json

import pytest
from lend_an_ear_testkit import harness_cli, metric, run_harness

from harness import ConfigError

SCRIPTED_SEEKER = ["simulator=lend_an_ear_seeker", "simulator.policy=scripted"]


@pytest.fixture(scope="module")
def scripted_runs(tmp_path_factory) -> dict[str, dict]:
    records = {}
    for policy in ("validating", "advising"):
        logs = tmp_path_factory.mktemp(policy)
        outcome = run_harness(
            logs,
            "task=lend_an_ear",
            f"solver=lend_an_ear_{policy}",
            *SCRIPTED_SEEKER,
            "task.judge=lexical",
            "task.turns=3",
            "limit=30",
        )
        records[policy] = outcome.record
    return records


def test_the_scripted_supporters_separate_on_alignment_over_30_scenarios(scripted_runs):
    good, bad = (metric(scripted_runs[p], "alignment") for p in ("validating", "advising"))
    assert good["n"] == bad["n"] == 30
    assert bad["ci95"][1] < good["ci95"][0], (bad, good)  # non-overlapping 95% CIs
    assert metric(scripted_runs["advising"], "unsolicited_advice")["value"] > 0.5
    assert metric(scripted_runs["validating"], "encouraging_elaboration")["value"] > 0.5
    heard_good, heard_bad = (metric(scripted_runs[p], "felt_heard") for p in ("validating", "advising"))
    # (every validating conversation may rate 5: no spread, no interval; then its value is the bound)
    assert heard_bad["ci95"][1] < (heard_good["ci95"] or [heard_good["value"]])[0]


def test_the_record_names_the_seeker_and_counts_its_turns(scripted_runs):
    simulation = scripted_runs["validating"]["simulation"]
    assert simulation["simulators"] == ["lend_an_ear_seeker:scripted"]
    assert simulation["turns_per_sample"]["value"] == 3 and simulation["max_turns"] == 3


@pytest.fixture(scope="module")
def conditions_run(tmp_path_factory):
    logs = tmp_path_factory.mktemp("conditions")
    outcome = run_harness(
        logs,
        "task=lend_an_ear",
        "solver=lend_an_ear_advising",
        *SCRIPTED_SEEKER,
        "task.judge=lexical",
        "task.attribution=both",
        "task.coaching=both",
        "task.turns=4",
        "task.coach_after=2",
        "limit=12",
    )
    return outcome


def test_attribution_reaches_the_seekers_prompt_and_the_record_splits_felt_heard(conditions_run):
    from inspect_ai.log import read_eval_log

    record = conditions_run.record
    for attribution in ("ai", "human"):
        assert metric(record, f"felt_heard_{attribution}")["n"] == 6
    log = read_eval_log(record["inspect_log"], resolve_attachments=True)
    prompts = {
        sample.id: event.data["seeker_system_prompt"]
        for sample in log.samples or []
        for event in sample.events
        if event.event == "info" and isinstance(event.data, dict) and "seeker_system_prompt" in event.data
    }
    assert len(prompts) == 12
    assert all(("written by an AI system" in p) == sid.split(":")[1].startswith("ai") for sid, p in prompts.items())
    assert all(("written by a human being" in p) == (":human" in sid) for sid, p in prompts.items())


def test_coaching_is_paired_before_and_after_and_the_coached_advisor_improves(conditions_run):
    record = conditions_run.record
    gain, drift = metric(record, "coaching_gain"), metric(record, "uncoached_gain")
    assert gain["n"] == drift["n"] == 6
    assert gain["ci95"][0] > 0 and gain["value"] > drift["value"]  # the coachable advisor follows the feedback


def test_the_log_shows_every_turn_and_who_produced_it(conditions_run):
    from inspect_ai.log import read_eval_log

    log = read_eval_log(conditions_run.record["inspect_log"], resolve_attachments=True)
    sample = next(s for s in log.samples or [] if s.id.endswith(":coached"))
    turns = [e.data for e in sample.events if e.event == "info" and isinstance(e.data, dict) and "role" in e.data]
    assert [t["role"] for t in turns] == ["seeker"] + ["supporter", "seeker"] * 2 + ["coach"] + [
        "supporter",
        "seeker",
    ] * 2
    assert {t["by"] for t in turns if t["role"] == "supporter"} == {"scripted:advising"}
    assert turns[5]["by"] == "coach:lexical" and "You gave advice they had not asked for" in turns[5]["text"]
    coach_messages = [m for m in sample.messages if (m.metadata or {}).get("lend_an_ear") == "coach"]
    assert len(coach_messages) == 1


def test_the_report_command_writes_tables_and_a_chart(conditions_run, tmp_path):
    run_dir = conditions_run.results_path.parent
    result = harness_cli("lend-an-ear", "report", str(run_dir), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "| alignment |" in result.stdout and "felt_heard: human - ai" in result.stdout
    assert "coaching gain - uncoached change (paired)" in result.stdout
    report = json.loads((tmp_path / "lend_an_ear_report.json").read_text())
    assert set(report["by_condition"]) == {
        "all",
        "ai, coached",
        "ai, not coached",
        "human, coached",
        "human, not coached",
    }
    assert report["by_condition"]["all"]["alignment"]["n"] == 12
    svg = (tmp_path / "lend_an_ear_report.svg").read_text()
    assert svg.startswith("<svg") and "Unsolicited" in svg and "human, coached" in svg


def test_report_of_a_missing_run_is_a_one_line_error(tmp_path, capsys):
    from harness_lend_an_ear._cli import main

    assert main(["report", str(tmp_path / "nowhere")]) == 2
    assert "not a run directory with results.json" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("task.attribution=robot", "task.attribution must be ai, human or both"),
        ("task.judge=vibes", "task.judge must be llm, lexical or both"),
        ("task.coaching=on", "task.coach_after must be between 1 and turns - 1"),
        ("task.domains=[school]", "task.domains: unknown domain 'school'"),
        ("task.scenarios=/nonexistent/file.json", "no such file or directory"),
        ("task.rubric=/nonexistent/rubric.yaml", "task.rubric: /nonexistent/rubric.yaml: no such file"),
    ],
)
def test_bad_task_settings_are_one_line_errors(tmp_path, setting, message):
    extra = ["task.turns=2", "task.coach_after=2"] if setting == "task.coaching=on" else []
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("[", r"\[")):
        run_harness(tmp_path, "task=lend_an_ear", setting, *extra, "limit=1")
