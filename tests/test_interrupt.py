"""Ctrl-C: a run stops within seconds, keeps what finished, writes its record, exits 130, leaves no container."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PluginDist, run_harness

SLOW = PluginDist(
    "harness-test-slow",
    {"harness.tasks": {"slow_shell": "slow_plugin:slow_shell"}},
    {
        "slow_plugin/__init__.py": """\
            from inspect_ai import Task
            from inspect_ai.dataset import Sample
            from inspect_ai.scorer import includes
            from inspect_ai.solver import generate, solver
            from inspect_ai.util import sandbox

            from harness import DockerSandboxConfig


            @solver
            def sleep_in_sandbox(seconds):
                async def solve(state, generate_):
                    await sandbox().exec(["sleep", str(seconds)])
                    return await generate_(state)

                return solve


            def slow_shell(n: int = 40, seconds: int = 1):
                \"\"\"Samples that each sleep in their sandbox, then answer.\"\"\"
                return Task(
                    dataset=[Sample(input=f"q{i}", target="mockllm") for i in range(n)],
                    solver=[sleep_in_sandbox(seconds), generate()],
                    scorer=includes(),
                    sandbox=("harness-docker", DockerSandboxConfig(pool_size=1)),
                )
        """,
    },
)


def _one_clean_log(run_dir: Path, samples: int) -> None:
    """The run directory holds one log, with one zip member per sample: no stale or duplicated copies."""
    import zipfile

    logs = sorted(p.name for p in run_dir.rglob("*") if p.is_file() and p.suffix in (".eval", ".json") and
                  p.name not in ("results.json", "run.json"))
    assert len(logs) == 1 and logs[0].endswith(".eval"), logs
    (log,) = run_dir.glob("*.eval")
    names = zipfile.ZipFile(log).namelist()
    sample_members = [n for n in names if n.startswith("samples/")]
    assert len(sample_members) == len(set(sample_members)) == samples, sorted(names)
    assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1]


def _completed_samples(run_dir: Path) -> int:
    from inspect_ai.log import read_eval_log_sample_summaries

    logs = list(run_dir.glob("*/*.eval"))
    if not logs:
        return 0
    try:
        return sum(1 for s in read_eval_log_sample_summaries(str(logs[0])) if s.scores)
    except Exception:  # the log is being written
        return 0


@pytest.mark.slow
def test_ctrl_c_keeps_finished_samples_writes_the_record_and_exits_130(plugin_site, tmp_path: Path):
    from docker_support import require_docker

    require_docker()
    site = plugin_site(SLOW)
    logs = tmp_path / "logs"
    env = {**os.environ, "PYTHONPATH": str(site), "HARNESS_MODEL": "mockllm/model"}
    command = [sys.executable, "-m", "harness", "eval", "task=slow_shell", "max_samples=2", f"log_dir={logs}"]
    process = subprocess.Popen([*command, "display=plain"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 240
        while _completed_samples(logs) < 3 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.5)
        assert process.poll() is None, process.communicate()[1].decode()[-2000:]
        process.send_signal(signal.SIGINT)
        interrupted_at = time.monotonic()
        stdout, stderr = process.communicate(timeout=60)
        stopped_after = time.monotonic() - interrupted_at
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr.decode()[-2000:]
    assert stopped_after < 30  # not after all 40 samples
    record = json.loads(next(logs.glob("*/results.json")).read_text())
    assert record["status"] == "cancelled"
    completed = record["samples"]["completed"]
    assert 3 <= completed < 40 and record["samples"]["total"] == 40
    (metric,) = record["metrics"]
    assert metric["n"] == completed and metric["value"] == 1.0  # mockllm's reply includes the target
    from inspect_ai.log import read_eval_log

    assert read_eval_log(record["inspect_log"], header_only=True).status == "cancelled"
    assert b"interrupted" in stderr
    leftover = subprocess.run(
        ["docker", "ps", "-aq", "--filter", f"label=plugeval.run={record['run_id']}"], capture_output=True, text=True
    )
    assert leftover.stdout.strip() == ""
    # the partial run compares and boards like any other
    assert run_harness("leaderboard", str(logs), f"out={tmp_path / 'site'}").returncode == 0


@pytest.mark.slow
def test_ctrl_c_on_an_eval_set_is_not_green(plugin_site, tmp_path: Path):
    from docker_support import require_docker

    require_docker()
    site = plugin_site(SLOW)
    logs = tmp_path / "set"
    matrix = tmp_path / "matrix.yaml"
    matrix.write_text(f"log_dir: {logs}\nmodels: [mockllm/model]\nmax_samples: 2\ndisplay: plain\ntasks: [slow_shell]\n")
    env = {**os.environ, "PYTHONPATH": str(site), "HARNESS_MODEL": "mockllm/model"}
    process = subprocess.Popen(
        [sys.executable, "-m", "harness", "eval-set", "--config", str(matrix)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 240
        while _completed_samples(logs.parent) < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.5)
        assert process.poll() is None, process.communicate()[1].decode()[-2000:]
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr.decode()[-2000:]
    index = json.loads((logs / "index.json").read_text())
    assert index["status"] == "cancelled" and index["success"] is False
    (run,) = index["runs"]
    record = json.loads(Path(run["record"]).read_text())
    assert run["status"] == record["status"] == "cancelled" and record["samples"]["completed"] >= 2


COUNTED = PluginDist(
    "harness-test-counted",
    {"harness.tasks": {"counted": "counted_plugin:counted"}},
    {
        "counted_plugin/__init__.py": """\
            import asyncio, os

            from inspect_ai import Task
            from inspect_ai.dataset import Sample
            from inspect_ai.scorer import includes
            from inspect_ai.solver import generate, solver


            @solver
            def note_and_wait(seconds):
                async def solve(state, generate_):
                    with open(os.environ["COUNTED_RUNS"], "a") as runs:
                        runs.write(f"{state.sample_id}\\n")
                    await asyncio.sleep(seconds)
                    return await generate_(state)

                return solve


            def counted(n: int = 30, seconds: float = 0.5):
                \"\"\"Samples that note each time they run.\"\"\"
                return Task(
                    dataset=[Sample(id=i, input=f"q{i}", target="mockllm") for i in range(n)],
                    solver=[note_and_wait(seconds), generate()],
                    scorer=includes(),
                )
        """,
    },
)


@pytest.mark.slow
def test_a_killed_run_is_finished_by_resume_reusing_its_samples(plugin_site, tmp_path: Path):
    site = plugin_site(COUNTED)
    runs_file = tmp_path / "runs.txt"
    env = {**os.environ, "PYTHONPATH": str(site), "HARNESS_MODEL": "mockllm/model", "COUNTED_RUNS": str(runs_file)}
    logs = tmp_path / "logs"
    process = subprocess.Popen(
        [sys.executable, "-m", "harness", "eval", "task=counted", "max_samples=2", f"log_dir={logs}", "display=none"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    while _completed_samples(logs) < 12 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.3)
    process.kill()  # SIGKILL: no handler runs, no record is written
    process.wait()
    (run_dir,) = logs.iterdir()
    assert not (run_dir / "results.json").exists() and (run_dir / "run.json").exists()
    before = runs_file.read_text().split()
    resumed = run_harness("eval", "--resume", str(run_dir), env={"COUNTED_RUNS": str(runs_file)},
                          site=site)
    assert resumed.returncode == 0, resumed.stderr
    record = json.loads((run_dir / "results.json").read_text())
    assert record["status"] == "success" and record["samples"]["completed"] == 30
    run_id = json.loads((run_dir / "run.json").read_text())["run_id"]
    assert record["run_id"] == run_id
    after = runs_file.read_text().split()
    rerun = len(after) - 30  # samples that ran twice: only those in flight when the process died
    assert len(before) >= 12 and rerun <= len(before) - 10, (len(before), len(after))
    _one_clean_log(run_dir, samples=30)
    missing = run_harness("eval", "--resume", str(tmp_path))
    assert missing.returncode == 2 and "run.json" in missing.stderr


@pytest.mark.slow
def test_a_second_eval_set_on_the_same_directory_stops_at_once(plugin_site, tmp_path: Path):
    site = plugin_site(COUNTED)
    matrix = tmp_path / "matrix.yaml"
    matrix.write_text(f"log_dir: {tmp_path / 'set'}\nmodels: [mockllm/model]\nmax_samples: 2\ndisplay: none\ntasks: [counted]\n")
    env = {**os.environ, "PYTHONPATH": str(site), "HARNESS_MODEL": "mockllm/model", "COUNTED_RUNS": str(tmp_path / "r")}
    first = subprocess.Popen([sys.executable, "-m", "harness", "eval-set", "--config", str(matrix)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "r").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        second = run_harness("eval-set", "--config", str(matrix), site=site, env={"COUNTED_RUNS": str(tmp_path / "r")})
        assert second.returncode == 2
        assert f"an eval set is already running in {tmp_path / 'set'} (pid {first.pid})" in second.stderr
        assert first.wait(timeout=240) == 0, first.stderr.read().decode()[-2000:]
    finally:
        if first.poll() is None:
            first.kill()
    index = json.loads((tmp_path / "set" / "index.json").read_text())
    assert [(r["task"], r["model"]) for r in index["runs"]] == [("counted", "mockllm/model")]  # once, not twice
    assert len((tmp_path / "r").read_text().split()) == 30  # no sample ran twice
