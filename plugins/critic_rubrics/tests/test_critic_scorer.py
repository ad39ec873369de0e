"""The critic file works as `scorer=FILE` in `harness eval`, and the distribution passes conformance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from critic_testkit import CRITIC, harness

from harness.testing import conformance_cases


@pytest.mark.slow
def test_a_critic_file_scores_an_eval_and_cross_fits_trained_on_samples(tmp_path: Path):
    logs = tmp_path / "logs"
    result = harness(
        "eval",
        "task=critic_synthetic",
        "task.id_prefix=t",
        "limit=4",
        "model=mockllm/model",
        f"scorer={CRITIC}",
        f"log_dir={logs}",
        "display=none",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    record = json.loads(next(logs.glob("*/results.json")).read_text())
    (metric,) = [m for m in record["metrics"] if m["scorer"] == "critic"]
    assert metric["n"] == 4 and metric["ci95"] is not None and 0 <= metric["value"] <= 1, metric

    from inspect_ai.log import list_eval_logs, read_eval_log

    log = read_eval_log(list_eval_logs(str(logs))[0])
    assert log.samples
    for sample in log.samples:  # t001..t004 were in the critic's training run: each scored by the fold without it
        assert sample.scores
        score = sample.scores["critic"]
        assert score.metadata and score.metadata["cross_fit_fold"] is not None, score.metadata
        assert score.explanation and score.explanation.startswith("P(success) = ")
        assert "cross-fitted (fold" in score.explanation
        truth = sample.metadata["synthetic_truth"]
        assert score.metadata["items"]["tests_left_failing"] == int(truth["tests_left_failing"])


@pytest.mark.parametrize(
    "case", conformance_cases("plugeval-critic-rubrics", args={"critic": {"path": str(CRITIC)}}), ids=str
)
def test_entry_point_conforms(case):
    case.check()
