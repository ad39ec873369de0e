"""Bad input gets one line naming the problem and the fix, and exit 2."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from critic_testkit import ATTEMPTS, CRITIC, TRAIN, critic_command, fails_with

from harness import ConfigError


def _shipped_rubric() -> str:
    return resources.files("harness_critic_rubrics").joinpath("rubrics", "agent-behaviour.yaml").read_text()


def test_labels_for_unknown_sample_ids(tmp_path: Path, capsys):
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"sample_id": "t001", "outcome": 1}\n{"sample_id": "zz9", "outcome": 0}\n')
    err = fails_with(capsys, "train", f"runs={TRAIN}", f"labels={labels}", f"out={tmp_path / 'c.yaml'}")
    assert "1 label(s) name sample ids the runs do not have (e.g. 'zz9')" in err and "fix the ids" in err


def test_a_rubric_with_a_typo(tmp_path: Path, capsys):
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(_shipped_rubric().replace("    detector: last_tests_failed", "    detecter: last_tests_failed"))
    err = fails_with(capsys, "rubric", str(rubric))
    assert "item 'tests_left_failing': unknown key 'detecter' (did you mean 'detector'?)" in err, err
    err = fails_with(capsys, "train", f"runs={TRAIN}", "outcome=synthetic_outcome", f"rubric={rubric}")
    assert "unknown key 'detecter'" in err

    rubric.write_text(_shipped_rubric().replace("detector: last_tests_failed", "detector: last_test_failed"))
    err = fails_with(capsys, "rubric", str(rubric))
    assert "unknown detector 'last_test_failed' (did you mean 'last_tests_failed'?)" in err


def test_a_rubric_without_a_version(tmp_path: Path, capsys):
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(_shipped_rubric().replace('version: "1.0"\n', ""))
    assert "'version' is a required property" in fails_with(capsys, "rubric", str(rubric))


def test_a_run_without_the_needed_epochs(tmp_path: Path, capsys):
    err = fails_with(
        capsys, "rerank", f"runs={TRAIN}", f"critic={CRITIC}", "outcome=synthetic_outcome", f"out={tmp_path}"
    )
    assert "at most 1 scored attempt(s)" in err and "epochs=N" in err
    assert not (tmp_path / "rerank.json").exists()


def test_a_critic_from_another_rubric_version(tmp_path: Path, capsys):
    old = tmp_path / "old-critic.yaml"
    old.write_text(CRITIC.read_text().replace("version: '1.0'", "version: '0.9'", 1))
    err = fails_with(
        capsys, "rerank", f"runs={ATTEMPTS}", f"critic={old}", "outcome=synthetic_outcome", f"out={tmp_path}"
    )
    assert "was trained on rubric agent-behaviour 0.9, but shipped:agent-behaviour is agent-behaviour 1.0" in err
    assert "retrain it" in err

    from harness_critic_rubrics import critic

    with pytest.raises(ConfigError, match="trained on rubric agent-behaviour 0.9"):
        critic(str(old))  # the scorer refuses it too (harness eval reports it in one line)


def test_an_outcome_scorer_the_logs_do_not_have(capsys):
    err = fails_with(capsys, "train", f"runs={TRAIN}", "outcome=accuracy")
    assert "the runs have no scorer 'accuracy'; they have: synthetic_outcome" in err


def test_outcome_and_labels_together_or_neither(tmp_path: Path, capsys):
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps({"sample_id": "t001", "outcome": 1}) + "\n")
    both = fails_with(capsys, "train", f"runs={TRAIN}", "outcome=synthetic_outcome", f"labels={labels}")
    neither = fails_with(capsys, "train", f"runs={TRAIN}")
    assert "give exactly one of outcome=SCORER" in both and "give exactly one of outcome=SCORER" in neither


def test_labels_with_one_class_only(tmp_path: Path, capsys):
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps({"sample_id": f"t{n:03d}", "outcome": 1}) + "\n" for n in range(1, 9)))
    err = fails_with(capsys, "train", f"runs={TRAIN}", f"labels={labels}")
    assert "0 sample id(s) with failures" in err


def test_missing_runs_unknown_keys_and_files(tmp_path: Path, capsys):
    assert "does not exist" in fails_with(capsys, "train", f"runs={tmp_path / 'nowhere'}", "outcome=x")
    assert "holds no inspect logs" in fails_with(capsys, "train", f"runs={tmp_path}", "outcome=x")
    assert "outcom" in fails_with(capsys, "train", f"runs={TRAIN}", "outcom=synthetic_outcome")
    missing = fails_with(capsys, "rerank", f"runs={ATTEMPTS}", f"critic={tmp_path / 'none.yaml'}", "outcome=x")
    assert "no such file" in missing
    notcritic = tmp_path / "scorer.yaml"
    notcritic.write_text("scorer: induced_metrics\nname: x\n")
    assert "not a critic file" in fails_with(
        capsys, "curate", f"runs={ATTEMPTS}", f"critic={notcritic}", f"out={tmp_path / 'o.jsonl'}"
    )
    assert critic_command("train", "--help") == 0 and "keys:" in capsys.readouterr().out
