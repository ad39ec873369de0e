"""`harness eval-set`: a matrix of tasks × models × grids, records, index, resume, bad matrices."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from conftest import run_harness
from test_plugins import GOOD
import pytest


def _matrix(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "matrix.yaml"
    path.write_text(textwrap.dedent(body).format(log_dir=tmp_path / "runs"))
    return path


@pytest.mark.slow
def test_matrix_with_a_grid_runs_each_combination_and_resumes(plugin_site, tmp_path: Path):
    site = plugin_site(GOOD)
    matrix = _matrix(
        tmp_path,
        """\
        log_dir: {log_dir}
        models: [mockllm/model]
        display: none
        tasks:
          - arithmetic
          - task: echo
            args: {{word: hi}}
            grid: {{count: [1, 2]}}
    """,
    )
    first = run_harness("eval-set", "--config", str(matrix), site=site)
    assert first.returncode == 0, first.stdout + first.stderr
    index = json.loads((tmp_path / "runs" / "index.json").read_text())
    assert sorted(r["task"] for r in index["runs"]) == ["arithmetic", "echo[count=1]", "echo[count=2]"]
    assert index["success"] is True
    counts = {}
    for run in index["runs"]:
        record = json.loads(Path(run["record"]).read_text())
        counts[run["task"]] = record["samples"]["total"]
        assert record["metrics"][0]["ci95"] is not None or record["samples"]["total"] < 2
    assert counts["echo[count=1]"] == 1 and counts["echo[count=2]"] == 2
    logs = sorted((tmp_path / "runs").glob("*.eval"))
    stamps = [p.stat().st_mtime_ns for p in logs]
    # re-running resumes: nothing is redone, the index is complete again
    again = run_harness("eval-set", "--config", str(matrix), site=site)
    assert again.returncode == 0, again.stderr
    assert sorted((tmp_path / "runs").glob("*.eval")) == logs
    assert [p.stat().st_mtime_ns for p in logs] == stamps
    assert len(json.loads((tmp_path / "runs" / "index.json").read_text())["runs"]) == 3


def test_a_bad_matrix_is_named_by_line(tmp_path: Path):
    matrix = _matrix(
        tmp_path,
        """\
        log_dir: {log_dir}
        models: [mockllm/model]
        tasks:
          - task: arithmetic
            grid: {{limit: 3}}
    """,
    )
    result = run_harness("eval-set", "--config", str(matrix))
    assert result.returncode == 2
    assert "matrix.yaml:5" in result.stderr and "grid" in result.stderr


@pytest.mark.slow
def test_an_interrupted_set_resumes_without_redoing_finished_tasks(plugin_site, tmp_path: Path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from conftest import PluginDist

    site = plugin_site(
        PluginDist(
            name="harness-slow",
            entry_points={"harness.tasks": {"slow": "slow_task:slow"}},
            modules={
                "slow_task/__init__.py": '''
            import asyncio
            import os
            from inspect_ai import Task, task
            from inspect_ai.dataset import Sample
            from inspect_ai.scorer import includes
            from inspect_ai.solver import solver

            @solver
            def wait(seconds: float):
                async def solve(state, generate):
                    await asyncio.sleep(0 if os.environ.get("SLOW_TASK_FAST") else seconds)
                    return state
                return solve

            @task
            def slow(seconds: float = 0.0):
                """Wait, then score.

                Args:
                    seconds: How long each sample waits.
                """
                return Task(dataset=[Sample(input="x", target="x")], solver=wait(seconds), scorer=includes())
        '''
            },
        )
    )
    matrix = _matrix(
        tmp_path,
        """\
        log_dir: {log_dir}
        models: [mockllm/model]
        display: none
        max_tasks: 1
        tasks:
          - task: slow
            grid: {{seconds: [0.0, 60.0]}}
    """,
    )
    env = {**os.environ, "PYTHONPATH": str(site), "HARNESS_MODEL": "mockllm/model"}
    run = subprocess.Popen(
        [sys.executable, "-m", "harness", "eval-set", "--config", str(matrix)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    runs = tmp_path / "runs"
    deadline = time.monotonic() + 120
    finished = []
    while time.monotonic() < deadline and not finished:
        from inspect_ai.log import read_eval_log

        for log in runs.glob("*.eval"):
            header = read_eval_log(str(log), header_only=True)
            if header.status == "success":
                finished.append((log, log.stat().st_mtime_ns, header.eval.task))
        time.sleep(0.5)
    assert finished, "the fast task never finished"
    run.send_signal(signal.SIGINT)  # the slow one is still waiting
    run.communicate(timeout=120)
    log, stamp, name = finished[0]
    assert name == "slow[seconds=0.0]"
    # resume (the slow task's wait switched off so the test is quick): only the unfinished task runs
    resumed = run_harness("eval-set", "--config", str(matrix), site=site, env={"SLOW_TASK_FAST": "1"})
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert log.stat().st_mtime_ns == stamp  # the finished task was not redone
    index = json.loads((runs / "index.json").read_text())
    assert sorted(r["task"] for r in index["runs"]) == ["slow[seconds=0.0]", "slow[seconds=60.0]"]
    assert {r["status"] for r in index["runs"]} == {"success"}


@pytest.mark.slow
def test_a_matrix_gets_overrides_hooks_roles_and_run_ids_like_eval(plugin_site, tmp_path: Path):
    from test_eval import HOOKS

    site = plugin_site(HOOKS)
    matrix = _matrix(
        tmp_path,
        """\
        log_dir: {log_dir}
        models:
          - mockllm/model
          - model: mockllm/other
            model_roles: {{grader: mockllm/judge}}
        display: none
        limit: 2
        tasks:
          - task: capitals
            scorer: match
            scorer_args: {{location: any}}
    """,
    )
    out = tmp_path / "hook.json"
    result = run_harness("eval-set", "--config", str(matrix), site=site, env={"HOOK_OUT": str(out)})
    assert result.returncode == 0, result.stdout + result.stderr
    index = json.loads((tmp_path / "runs" / "index.json").read_text())
    records = {run["model"]: json.loads(Path(run["record"]).read_text()) for run in index["runs"]}
    assert set(records) == {"mockllm/model", "mockllm/other"}
    for run in index["runs"]:
        record = records[run["model"]]
        assert record["run_id"] == run["run_id"] and len(record["run_id"]) == 12
        assert [m["scorer"] for m in record["metrics"]] == ["match"]  # the override, not capitals' includes
        assert record["params"]["scorer_args"] == {"location": "any"}
        # hooks ran for the set's runs: the faulty plugin's failure is named in every record
        assert record["hook_errors"] and record["hook_errors"][0]["plugin"] == "harness-test-hooks/faulty"
    assert records["mockllm/other"]["params"]["model_roles"] == {"grader": "mockllm/judge"}
    assert "model_roles" not in records["mockllm/model"]["params"]
    assert json.loads(out.read_text())["samples"] == 4  # sample hooks saw both runs' samples
