"""harness.testing.run_harness: the real command in a process of its own, forked from a pre-imported server."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from conftest import PluginDist

from harness.testing import run_harness

ECHO_TASK = """
from inspect_ai import Task
from inspect_ai.dataset import Sample

def echo():
    '''Echo task.'''
    return Task(dataset=[Sample(input="hi", target="hi")])
"""
# a task whose solver records its process (and a child it starts), then does what TASK_ACTION says
SLOW_TASK = """
import os, signal, subprocess, sys, time
from inspect_ai import Task, task
from inspect_ai.dataset import Sample
from inspect_ai.solver import solver

@solver
def record_then_act():
    async def solve(state, generate):
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        with open(os.environ["PIDS_FILE"], "w") as pids:
            pids.write(f"{os.getpid()} {child.pid}")
        if os.environ["TASK_ACTION"] == "kill-self":
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(120)
        return state
    return solve

@task
def slow():
    return Task(dataset=[Sample(input="x", target="x")], solver=record_then_act())
"""


def _plain(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness", *args], capture_output=True, text=True, env=env, cwd=cwd)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    with open(f"/proc/{pid}/stat") as stat:  # a zombie waiting for its reaper is gone too
        return stat.read().split(")")[-1].split()[0] == "Z"


def test_a_forked_command_prints_and_exits_as_a_plain_process_does(tmp_path: Path):
    env = {**os.environ, "HARNESS_MODEL": "mockllm/model"}
    for args in (["--version"], ["eval", "task=no_such_task"], ["eval", "--model", "x"], ["list", "scorers"]):
        forked, plain = run_harness(*args, env=env, cwd=tmp_path), _plain(*args, env=env, cwd=tmp_path)
        assert (forked.returncode, forked.stdout, forked.stderr) == (plain.returncode, plain.stdout, plain.stderr)
    assert run_harness("eval", "task=no_such_task").returncode == 2  # the error exit, not the server's


def test_each_command_gets_its_own_environment_directory_and_path(tmp_path: Path, plugin_site):
    site = plugin_site(PluginDist("harness-test-forks", {"harness.tasks": {"fork_echo": "fork_plugin:echo"}},
                                  {"fork_plugin/__init__.py": ECHO_TASK}))  # fmt: skip
    with_site = {**os.environ, "PYTHONPATH": str(site), "HARNESS_MODEL": "mockllm/model"}
    listed = run_harness("list", "tasks", env=with_site)
    assert listed.returncode == 0 and "fork_echo" in listed.stdout, listed.stderr
    without = run_harness("list", "tasks", env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert without.returncode == 0 and "fork_echo" not in without.stdout  # nothing stays from the call before

    # a task file named relative to the working directory
    (tmp_path / "here.py").write_text(
        "from inspect_ai import task\n" + ECHO_TASK.replace("def echo", "@task\ndef echo")
    )
    run = run_harness("eval", "task=here.py@echo", "display=none", "log_dir=logs", env=with_site, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert list((tmp_path / "logs").glob("*/results.json")) and str(tmp_path / "logs") in run.stdout


def test_a_timeout_kills_the_command_and_what_it_started(tmp_path: Path):
    (tmp_path / "slow.py").write_text(textwrap.dedent(SLOW_TASK))
    env = {**os.environ, "PIDS_FILE": str(tmp_path / "pids"), "TASK_ACTION": "sleep", "HARNESS_MODEL": "mockllm/model"}
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired) as timed_out:
        run_harness("eval", "task=slow.py@slow", "display=none", env=env, cwd=tmp_path, timeout=10)
    assert time.monotonic() - started < 60
    assert timed_out.value.cmd[1:3] == ["-m", "harness"] and timed_out.value.timeout == 10
    pids = [int(pid) for pid in (tmp_path / "pids").read_text().split()]
    deadline = time.monotonic() + 10
    while not all(_gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(_gone(pid) for pid in pids), pids


def test_a_command_killed_by_a_signal_reports_it_as_subprocess_does(tmp_path: Path):
    (tmp_path / "slow.py").write_text(textwrap.dedent(SLOW_TASK))
    env = {
        **os.environ,
        "PIDS_FILE": str(tmp_path / "pids"),
        "TASK_ACTION": "kill-self",
        "HARNESS_MODEL": "mockllm/model",
    }
    killed = run_harness("eval", "task=slow.py@slow", "display=none", env=env, cwd=tmp_path, timeout=120)
    assert killed.returncode == -9
    os.kill(int((tmp_path / "pids").read_text().split()[1]), 9)  # the orphaned sleeper


def test_commands_from_several_threads_run_side_by_side(tmp_path: Path):
    results: dict[int, subprocess.CompletedProcess] = {}

    def one(index: int) -> None:
        results[index] = run_harness("eval", "task=arithmetic", "model=mockllm/model", "limit=2", "display=none",
                                     f"log_dir={tmp_path / str(index)}")  # fmt: skip

    threads = [threading.Thread(target=one, args=(index,)) for index in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1, 2]
    for index, result in results.items():
        assert result.returncode == 0, result.stderr
        assert str(tmp_path / str(index)) in result.stdout and "n=2" in result.stdout


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


@pytest.mark.parametrize("forks", ["1", "0"])
def test_forks_can_be_turned_off(tmp_path: Path, monkeypatch, forks: str):
    monkeypatch.setenv("HARNESS_TESTING_FORKS", forks)
    before = _children_cpu()
    result = run_harness("eval", "task=arithmetic", "model=mockllm/model", "limit=1", "display=none", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # a plain subprocess is this process's child, waited for: its CPU (imports alone, over a second) counts here
    spent = _children_cpu() - before
    assert spent > 0.5 if forks == "0" else spent == 0, spent


def test_a_server_that_died_is_started_again(tmp_path: Path):
    from harness import _forked_cli

    assert run_harness("--version", cwd=tmp_path).returncode == 0
    server = _forked_cli._current
    assert server is not None and server.alive()
    server._process.kill()
    server._process.wait()
    result = run_harness("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("harness (plugeval)")
    assert _forked_cli._current is not server and _forked_cli._current.alive()
