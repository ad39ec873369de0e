"""`executor=ray`: shards as Ray tasks on a real local Ray instance (2 CPUs), merged like local workers."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from conftest import run_harness
from test_workers import SHARDY, _log, _metrics, _run, _scores


def _require_ray() -> None:
    try:
        import ray  # noqa: F401
    except ImportError:
        pytest.fail("these tests need Ray: pip install -e '.[test]' (the test extra includes plugeval[ray])")


@pytest.mark.slow
def test_ray_shards_merge_into_the_log_of_one_process(plugin_site, tmp_path: Path):
    _require_ray()
    site = plugin_site(SHARDY)
    settings = ["task.n=9", "task.fail_every=4", "epochs=2", "fail_on_error=false"]
    one, one_dir = _run(site, tmp_path / "one", *settings)
    ray, ray_dir = _run(site, tmp_path / "ray", *settings, "executor=ray", "workers=2", "ray.num_cpus=2")
    assert one.returncode == 0 and ray.returncode == 0, one.stderr + ray.stderr
    single, merged = _log(one_dir), _log(ray_dir)
    assert merged.status == "success" and _scores(merged) == _scores(single)
    assert _metrics(merged) == pytest.approx(_metrics(single))
    assert len(list(ray_dir.glob("*.shards/*/*.eval"))) == 2
    record = json.loads((ray_dir / "results.json").read_text())
    assert record["samples"] == {"total": 18, "completed": 14, "errors": 4, "epochs": 2, "infra_errors": 0, "flaky": 0, "not_run": 0, "cancelled": 0}
    assert record["params"]["executor"] == "ray"


@pytest.mark.slow
def test_ray_without_the_extra_or_the_cluster_is_one_line(plugin_site, tmp_path: Path):
    site = plugin_site(SHARDY)
    # a `ray` that cannot be imported, as when plugeval[ray] is not installed
    hidden = tmp_path / "no-ray"
    (hidden / "ray").mkdir(parents=True)
    (hidden / "ray" / "__init__.py").write_text("raise ImportError('No module named ray')\n")
    missing = run_harness(
        "eval", "task=shardy", "executor=ray", f"log_dir={tmp_path / 'a'}", site=site, env={"PYTHONPATH": str(hidden)}
    )
    assert missing.returncode == 2
    assert "pip install 'plugeval[ray]'" in missing.stderr and "Traceback" not in missing.stderr
    _require_ray()
    began = time.monotonic()
    closed = run_harness(
        "eval", "task=shardy", "executor=ray", "ray.address=127.0.0.1:9", f"log_dir={tmp_path / 'b'}", site=site
    )
    assert closed.returncode == 2 and time.monotonic() - began < 60
    assert "cannot reach the Ray cluster at 127.0.0.1:9" in closed.stderr and "Traceback" not in closed.stderr
    bad = run_harness(
        "eval", "task=shardy", "executor=ray", "ray.address=nowhere", f"log_dir={tmp_path / 'c'}", site=site
    )
    assert bad.returncode == 2 and "ray.address must be HOST:PORT" in bad.stderr


@pytest.mark.slow
def test_an_eval_set_runs_each_task_and_model_as_a_ray_task_retries_and_resumes(plugin_site, tmp_path: Path):
    _require_ray()
    site = plugin_site(SHARDY)
    set_dir = tmp_path / "set"
    matrix = tmp_path / "matrix.yaml"
    matrix.write_text(
        f"log_dir: {set_dir}\n"
        "executor: ray\nray: {num_cpus: 2}\nretry_attempts: 1\ndisplay: none\n"
        "models: [mockllm/model]\n"
        "tasks:\n"
        "  - task: shardy\n    grid: {n: [3, 5]}\n"
        "  - task: shardy\n    args: {n: 4, fail_every: 2}\n"  # fails its samples: the run ends in error
    )
    first = run_harness("eval-set", "--config", str(matrix), site=site)
    assert first.returncode == 1, first.stdout + first.stderr
    index = json.loads((set_dir / "index.json").read_text())
    assert index["executor"] == "ray" and index["status"] == "error" and index["planned"] == 3
    by_task = {run["task"]: run for run in index["runs"]}
    assert set(by_task) == {"shardy", "shardy[n=3]", "shardy[n=5]"}
    for name, samples in (("shardy[n=3]", 3), ("shardy[n=5]", 5)):
        assert by_task[name]["status"] == "success"
        record = json.loads(Path(by_task[name]["record"]).read_text())
        assert record["samples"]["completed"] == samples and record["task"]["name"] == name
    assert by_task["shardy"]["status"] == "error"
    attempts = {path.name: len(list(path.iterdir())) for path in (set_dir / "runs").iterdir()}
    assert sorted(attempts.values()) == [1, 1, 2], attempts  # the failing run was tried twice, each in its own dir
    finished = {name: by_task[name]["run_id"] for name in ("shardy[n=3]", "shardy[n=5]")}

    again = run_harness("eval-set", "--config", str(matrix), site=site)
    assert again.returncode == 1
    index = json.loads((set_dir / "index.json").read_text())
    rerun = {run["task"]: run["run_id"] for run in index["runs"]}
    assert {name: rerun[name] for name in finished} == finished  # the finished runs were not redone
    assert sorted(len(list(path.iterdir())) for path in (set_dir / "runs").iterdir()) == [1, 1, 4]
