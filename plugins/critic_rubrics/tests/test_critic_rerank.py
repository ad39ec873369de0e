"""Reranking, early stopping and curation with a critic, on the shipped 4-epoch run; cross-fitting on one run."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from critic_testkit import ATTEMPTS, CRITIC, critic_command

from harness_critic_rubrics import load_critic, read_runs

PNG = b"\x89PNG\r\n\x1a\n"


def test_best_of_k_beats_random_and_oracle_bounds_both(tmp_path: Path, capsys):
    outcomes = defaultdict(set)
    for sample in read_runs([str(ATTEMPTS)]):
        outcomes[sample.trace.sample_id].add(sample.scores["synthetic_outcome"])
    assert sum(len(v) == 2 for v in outcomes.values()) >= 10  # outcomes vary across the attempts of many samples

    code = critic_command(
        "rerank",
        f"runs={ATTEMPTS}",
        f"critic={CRITIC}",
        "outcome=synthetic_outcome",
        f"out={tmp_path}",
        "bootstrap=500",
    )
    printed = capsys.readouterr()
    assert code == 0, printed.err
    report = json.loads((tmp_path / "rerank.json").read_text())
    assert (report["attempts"], report["samples"], report["cross_fitted_samples"]) == (4, 40, 0)
    assert [row["k"] for row in report["k"]] == [1, 2, 3, 4]
    for row in report["k"]:
        random, best, oracle = (row[name]["value"] for name in ("random", "best", "oracle"))
        assert random <= best + 1e-9 <= oracle + 2e-9, row
        for name in ("random", "best", "oracle", "best_minus_random"):
            assert row[name]["n"] == 40 and row[name]["ci95"] is not None, (name, row)
        assert row["random"]["ci95"][0] < row["random"]["ci95"][1]  # a bounded figure never has a zero-width interval
    last = report["k"][-1]["best_minus_random"]
    assert last["ci95"][0] > 0, last  # on these traces the critic's gain at k=4 is clear of zero
    assert (tmp_path / "rerank.png").read_bytes().startswith(PNG)
    assert "Best@k" in printed.out and "Oracle@k" in printed.out


def test_early_stopping_sweep_saves_attempts(tmp_path: Path, capsys):
    code = critic_command(
        "stop",
        f"runs={ATTEMPTS}",
        f"critic={CRITIC}",
        "outcome=synthetic_outcome",
        f"out={tmp_path}",
        "bootstrap=200",
        "thresholds=0.1,0.5,0.9,1.0",
    )
    assert code == 0, capsys.readouterr().err
    report = json.loads((tmp_path / "stop.json").read_text())
    rows = {row["threshold"]: row for row in report["thresholds"]}
    saved = [rows[t]["saved"]["value"] for t in (0.1, 0.5, 0.9, 1.0)]
    assert saved == sorted(saved, reverse=True) and saved[0] > 0.3 and saved[-1] == 0.0
    always = report["always_n"]["success"]["value"]
    assert rows[1.0]["success"]["value"] == always  # no attempt reaches 1.0: all four tried, the critic's best kept
    assert rows[1.0]["success_minus_always_n"]["value"] == 0.0
    assert all(row["success"]["ci95"] and row["attempts"]["ci95"] for row in rows.values())
    assert (tmp_path / "stop.png").read_bytes().startswith(PNG)


def test_one_run_for_training_and_reranking_is_cross_fitted(tmp_path: Path, capsys):
    critic_file = tmp_path / "critic.yaml"
    code = critic_command(
        "train",
        f"runs={ATTEMPTS}",
        "outcome=synthetic_outcome",
        f"out={critic_file}",
        "coef_bootstrap=0",
        "bootstrap=200",
    )
    assert code == 0, capsys.readouterr().err
    critic = load_critic(critic_file)
    assert critic.trained_on == {f"a{n:03d}" for n in range(1, 41)}
    for sample_id in critic.trained_on:  # each trained-on id is scored by the one fold model that never saw it
        model, fold = critic.model_for(sample_id)
        assert fold is not None and sample_id in model.held_out
    capsys.readouterr()

    code = critic_command(
        "rerank",
        f"runs={ATTEMPTS}",
        f"critic={critic_file}",
        "outcome=synthetic_outcome",
        f"out={tmp_path / 'rerank'}",
        "bootstrap=200",
    )
    printed = capsys.readouterr()
    assert code == 0, printed.err
    report = json.loads((tmp_path / "rerank" / "rerank.json").read_text())
    assert report["cross_fitted_samples"] == 40
    assert "cross-fitted: 40 of 40 samples" in printed.err


def test_curation_exports_the_top_scored_trajectories(tmp_path: Path, capsys):
    out = tmp_path / "top.jsonl"
    code = critic_command(
        "curate", f"runs={ATTEMPTS}", f"critic={CRITIC}", "top=0.25", "outcome=synthetic_outcome", f"out={out}"
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 40  # a quarter of 160 trajectories
    scores = [r["critic_score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert sum(r["outcome"] for r in rows) / len(rows) > 0.8  # the base rate of the run is about 0.4
    first = rows[0]["messages"]
    assert (
        first[0]["role"] == "user"
        and any("tool_calls" in m for m in first)
        and any(m.get("tool_call_id") for m in first)
    )
