"""The example tasks the README ships (plugins/lm_eval/examples) run from the repository root, as it says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from lm_eval_support import run_harness

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "plugins" / "lm_eval" / "examples"


def test_the_example_tasks_name_shipped_data_of_twenty_rows():
    for name in ("sums", "capitals_mc"):
        config = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text())
        data = ROOT / config["dataset_kwargs"]["data_files"]["test"]
        assert data.is_file() and len(data.read_text().splitlines()) == 20, data


@pytest.mark.parametrize(
    ("task", "metric"),
    [("example_sums", "exact_match,last-number"), ("example_capitals_mc", "generated_choice_accuracy")],
)
@pytest.mark.slow
def test_an_example_task_runs_from_the_repository_root(task: str, metric: str, tmp_path: Path) -> None:
    result = run_harness(
        "eval",
        "task=lm_eval",
        f"task.name={task}",
        "task.include_path=plugins/lm_eval/examples",
        "model=mockllm/model",
        "limit=3",
        f"log_dir={tmp_path}",
        "display=none",
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    (score,) = [m for m in record["metrics"] if m["scorer"] == metric and m["name"] == "mean"]
    assert score["n"] == 3 and score["value"] == 0.0 and score["ci95"][1] > 0  # mockllm's fixed reply, with its CI
