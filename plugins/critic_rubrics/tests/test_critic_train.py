"""Training on the shipped synthetic traces recovers the three behaviours the outcome depends on."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from critic_testkit import TRAIN, critic_command

from harness_critic_rubrics import annotate, load_critic, load_rubric, read_runs
from harness_critic_rubrics._synthetic import OUTCOME_DRIVERS

ROW_KEYS = {
    "run",
    "task",
    "sample_id",
    "epoch",
    "trace_hash",
    "rubric",
    "rubric_version",
    "annotator",
    "items",
    "source",
    "evidence",
    "outcome",
}


def test_the_learned_critic_finds_the_three_behaviours_behind_the_outcome(tmp_path: Path, capsys):
    out = tmp_path / "critic.yaml"
    code = critic_command("train", f"runs={TRAIN}", "outcome=synthetic_outcome", f"out={out}", "coef_bootstrap=60")
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "cross-validated AUC" in printed and "calibration (out of fold)" in printed

    document = yaml.safe_load(out.read_text())
    assert document["scorer"] == "critic" and document["rubric"] == {
        "name": "agent-behaviour",
        "version": "1.0",
        "source": "shipped:agent-behaviour",
    }
    auc = document["training"]["auc"]
    low, high = auc["ci95"]
    assert auc["value"] > 0.9 and low < auc["value"] < high <= 1.0 and auc["n"] == 200, auc
    coefficients = document["training"]["coefficients"]
    largest = sorted(coefficients, key=lambda name: -abs(coefficients[name]["value"]))[:3]
    assert set(largest) == set(OUTCOME_DRIVERS), coefficients
    for name in OUTCOME_DRIVERS:  # each lowers the odds of success, and its interval says so
        assert coefficients[name]["ci95"][1] < 0, coefficients[name]
    assert document["training"]["calibration"]["bins"] and 0 <= document["training"]["calibration"]["brier"] < 0.25

    folds = [set(f["held_out"]) for f in document["cross_fit"]]
    assert len(folds) == 5 and sum(map(len, folds)) == len(set().union(*folds)) == 200  # a partition of the ids

    rows = [json.loads(line) for line in out.with_suffix(".annotations.jsonl").read_text().splitlines()]
    assert len(rows) == 200 and set(rows[0]) == ROW_KEYS
    assert {r["outcome"] for r in rows} == {0, 1}


def test_labels_for_some_samples_train_with_the_rest_unlabelled(tmp_path: Path, capsys):
    samples = read_runs([str(TRAIN)])
    truth = {s.trace.sample_id: s.scores["synthetic_outcome"] == "C" for s in samples}
    labelled = sorted(truth)[:80]
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps({"sample_id": i, "outcome": int(truth[i])}) + "\n" for i in labelled))
    out = tmp_path / "critic.yaml"
    code = critic_command("train", f"runs={TRAIN}", f"labels={labels}", f"out={out}", "coef_bootstrap=0")
    printed = capsys.readouterr().out
    assert code == 0, printed
    training = load_critic(out).training
    assert (training["labelled"], training["unlabelled"]) == (80, 120)
    assert training["auc"]["n"] == 80  # AUC only on labelled traces, out of fold
    assert "pseudo-labelled" in training["semi_supervised"] and "pseudo-labelled" in printed


def test_the_detectors_agree_with_the_synthetic_truth():
    from inspect_ai.log import read_eval_log

    samples = read_runs([str(TRAIN)])
    (log_file,) = {s.trace.run for s in samples}
    truth = {str(s.id): s.metadata["synthetic_truth"] for s in read_eval_log(log_file).samples}
    annotations = annotate([s.trace for s in samples], load_rubric())
    checked = [
        "repeated_failing_action",
        "tests_left_failing",
        "user_restated_request",
        "user_asked_to_revert",
        "user_frustrated",
        "acted_without_looking",
        "incomplete_work",
        "risky_action",
        "tool_misuse",
        "infrastructure_failure",
        "ignored_instruction",
    ]
    for name in checked:
        wrong = [a.trace.sample_id for a in annotations if a.items[name] != int(truth[a.trace.sample_id][name])]
        assert not wrong, f"{name}: {wrong[:5]}"
    no_tests = [a.items["no_verification"] for a in annotations if not truth[a.trace.sample_id]["ran_tests"]]
    assert no_tests and all(no_tests)
    assert all(
        a.items["misunderstood_request"] is None and a.source["misunderstood_request"] == "none" for a in annotations
    )  # no detector: missing, never guessed
