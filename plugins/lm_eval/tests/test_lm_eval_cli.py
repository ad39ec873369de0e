"""`harness eval task=lm_eval ...` as users run it, and the one-line errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lm_eval_support import one_line_error, run_harness, write_tasks


@pytest.fixture(scope="module")
def tasks_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tasks(tmp_path_factory.mktemp("lm_eval_cli_tasks"))


def _record(stdout: str, cwd: Path) -> dict:
    line = next(line for line in stdout.splitlines() if line.startswith("results: "))
    return json.loads((cwd / line.removeprefix("results: ").strip()).read_text())


@pytest.mark.slow
def test_eval_writes_a_record_with_lm_eval_metrics(tasks_dir: Path, tmp_path: Path) -> None:
    result = run_harness(
        "eval",
        "task=lm_eval",
        "task.name=tiny_gsm",
        f"task.include_path={tasks_dir}",
        "model=mockllm/model",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    record = _record(result.stdout, tmp_path)
    assert record["task"]["name"] == "lm_eval/tiny_gsm" and record["task"]["version"] == "3.0"
    assert record["params"]["task_args"]["name"] == "tiny_gsm"
    metrics = {m["scorer"]: m for m in record["metrics"] if m["name"] == "mean"}
    assert set(metrics) == {"exact_match,strict-match", "exact_match,flexible-extract"}
    assert all(m["n"] == 4 and m["value"] == 0.0 for m in metrics.values())  # mockllm's default reply


@pytest.mark.slow
def test_multiple_choice_without_loglikelihoods_says_so_in_the_record(tasks_dir: Path, tmp_path: Path) -> None:
    # a task YAML file as the name (lm-eval accepts paths too)
    result = run_harness(
        "eval", "task=lm_eval", f"task.name={tasks_dir / 'tiny_arc.yaml'}", "model=mockllm/model", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    record = _record(result.stdout, tmp_path)
    scorers = {m["scorer"] for m in record["metrics"]}
    assert "generated_choice_accuracy" in scorers and "acc,none" not in scorers
    assert record["task"]["name"] == "lm_eval/tiny_arc"


# The two runs that need lm-eval's zoo index, on one worker in this order: the first indexes the zoo
# (15-20 s) and writes the plugeval cache, the second reads it (the cache is keyed by lm-eval's files).
ZOO_RUNS = pytest.mark.xdist_group("lm_eval_zoo_index")


@ZOO_RUNS
@pytest.mark.slow
def test_unknown_task_suggests_close_names(tasks_dir: Path, tmp_path: Path) -> None:
    result = run_harness(
        "eval",
        "task=lm_eval",
        "task.name=tiny_gsn",
        f"task.include_path={tasks_dir}",
        "model=mockllm/model",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    line = one_line_error(result.stderr)
    assert "unknown lm-eval task 'tiny_gsn'" in line and "did you mean tiny_gsm" in line


@ZOO_RUNS
@pytest.mark.slow
def test_dataset_not_reachable_offline_names_dataset_and_fix(tmp_path: Path) -> None:
    result = run_harness("eval", "task=lm_eval", "task.name=gsm8k", "model=mockllm/model", cwd=tmp_path)
    assert result.returncode == 2
    line = one_line_error(result.stderr)
    assert "'openai/gsm8k'" in line and "task.include_path" in line and "HF_DATASETS_CACHE" in line


def test_missing_include_path(tmp_path: Path) -> None:
    result = run_harness(
        "eval",
        "task=lm_eval",
        "task.name=x",
        f"task.include_path={tmp_path / 'nowhere'}",
        "model=mockllm/model",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "task.include_path" in one_line_error(result.stderr)
