"""`harness eval task=cooperbench` as users meet it: the whole dataset, and bad input (exit 2, nothing built)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from cooperbench_support import full_layout, harness_cli, require_docker, shipped_images

from harness_cooperbench import load_dataset, shipped_dataset
from harness_cooperbench._image import BuildFailed, required_python
from harness_cooperbench._sources import shipped_sources


@pytest.mark.slow
@pytest.mark.xdist_group("cooperbench-images")  # builds every shipped task image, as the agents and gold tests do
def test_the_whole_dataset_reports_each_task_without_a_source_and_runs_the_rest(tmp_path: Path):
    require_docker()
    shipped_images()
    dataset = full_layout(tmp_path / "dataset")
    result = harness_cli(
        "eval", "task=cooperbench", f"task.dataset={dataset}", "solver=cooperbench_empty", "limit=1",
        f"log_dir={tmp_path / 'logs'}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    skipped = [line for line in result.stderr.splitlines() if line.startswith("cooperbench: skipped ")]
    assert len(skipped) == 27
    names = [re.match(r"cooperbench: skipped (\S+?):", line).group(1) for line in skipped]
    assert len(set(names)) == 27 and "pallets_click_task/task2800" in names and "typst_task/task6554" in names
    assert all("task.repos=" in line and re.search(r"\[\d+ pairs\]$", line) for line in skipped)
    lost = sum(int(re.search(r"\[(\d+) pairs\]$", line).group(1)) for line in skipped)
    assert lost == 652 - 147
    assert "cooperbench: 147 pairs of 3 tasks (coop); 27 tasks skipped" in result.stderr
    [results] = (tmp_path / "logs").glob("*/results.json")
    record = json.loads(results.read_text())
    assert record["status"] == "success" and record["samples"]["total"] == 1


def test_tasks_this_base_image_cannot_host_are_named_with_the_reason(tmp_path: Path):
    dataset = load_dataset(full_layout(tmp_path / "dataset"))
    reasons = {}
    for task in dataset.tasks.values():
        try:
            required_python(task)
        except BuildFailed as ex:
            reasons[task.name] = ex.reason
    assert "golang:1.21-alpine; only Python tasks build offline" in reasons["go_chi_task/task26"]
    assert reasons["huggingface_datasets_task/task3997"].startswith("needs Python 3.12")
    assert "rust:1.80-slim" in reasons["typst_task/task6554"]
    assert "pallets_click_task/task2068" not in reasons


def _bad_dataset_missing_patch(tmp_path: Path) -> list[str]:
    root = tmp_path / "dataset"
    shutil.copytree(shipped_dataset(), root)
    (root / "pallets_click_task/task2068/feature3/tests.patch").unlink()
    return [f"task.dataset={root}"]


def _bad_subset(tmp_path: Path) -> list[str]:
    path = tmp_path / "mine.json"
    path.write_text('{"tasks": [{"repo": "pallets_click_task", "task_id": "two", "pairs": [[1, 2]]}]}')
    return [f"task.subset={path}"]


def _out_of_range(tmp_path: Path) -> list[str]:
    return ['task.pairs=["samuelcolvin_dirty_equals_task/43/f3_f10"]']


def _wrong_commit(tmp_path: Path) -> list[str]:
    wrong = shipped_sources()["pallets/jinja"]
    return [f'task.repos={{"pallets/click": "{wrong}"}}', 'task.tasks=["pallets_click_task/2068"]']


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_bad_dataset_missing_patch, r"pallets_click_task/task2068/feature3 has no tests\.patch"),
        (_bad_subset, r"subset file .*mine\.json: tasks\.0\.task_id: Input should be a valid integer"),
        (_out_of_range, r"feature 10 is out of range \(samuelcolvin_dirty_equals_task/task43 has features 1\.\.9\)"),
        (_wrong_commit, r"source .*jinja-shallow\.tar\.gz for pallets/click holds none of the base commits"),
        (lambda _: ["task.memory=lots"], r"task\.memory must be a size .* got 'lots'; e\.g\. task\.memory=2g"),
        (lambda _: ["task.pool_size=-3"], r"task\.pool_size must be a whole number >= 0, got -3"),
        (lambda _: ["task.eval_concurrency=0"], r"task\.eval_concurrency must be a whole number >= 1, got 0"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_builds_nothing(tmp_path: Path, make, message: str):
    before = _cooperbench_images()
    cache = tmp_path / "cache"
    args = ["eval", "task=cooperbench", *make(tmp_path), f"log_dir={tmp_path / 'logs'}"]
    result = harness_cli(*args, env={"HARNESS_CACHE_DIR": str(cache)})
    assert result.returncode == 2, result.stderr[-2000:]
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("harness: error: "), result.stderr
    assert re.search(message, errors[0]), errors[0]
    assert not (tmp_path / "logs").exists()
    assert not (cache / "cooperbench" / "build").exists()
    sources = cache / "cooperbench" / "sources"
    assert not sources.exists() or not [p for p in sources.iterdir() if p.name.startswith(".")]
    assert _cooperbench_images() == before


def _cooperbench_images() -> set[str] | None:
    try:
        import docker

        return {tag for image in docker.from_env().images.list("plugeval/cooperbench") for tag in image.tags}
    except Exception:  # noqa: BLE001 - without Docker there is nothing to compare
        return None
