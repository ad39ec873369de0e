"""A run killed outright leaves containers (and its network); the next run removes them, with a note."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from docker_support import require_docker

_HOLDER = textwrap.dedent("""
    import asyncio, sys, time
    from harness.sandbox import DockerSandboxConfig
    from harness.sandbox._environment import HarnessDockerSandbox
    async def main():
        for config in (DockerSandboxConfig(pool_size=1), DockerSandboxConfig(pool_size=0, network=True)):
            await HarnessDockerSandbox.task_init("t", config)
            await HarnessDockerSandbox.sample_init("t", config, {})
        print("ready", flush=True)
        time.sleep(600)
    asyncio.run(main())
""")

_NEXT_RUN = textwrap.dedent("""
    import asyncio
    from harness.sandbox import DockerSandboxConfig, close_sandbox_pools
    from harness.sandbox._environment import HarnessDockerSandbox
    async def main():
        config = DockerSandboxConfig(pool_size=0)
        await HarnessDockerSandbox.task_init("t", config)
        await HarnessDockerSandbox.task_init("t", config)  # once per process: no second note
    asyncio.run(main())
    close_sandbox_pools()
""")


@pytest.fixture(autouse=True)
def _docker():
    require_docker()


def _killed_run(tmp_path: Path, run_id: str) -> None:
    script = tmp_path / "holder.py"
    script.write_text(_HOLDER)
    holder = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env={**os.environ, "PLUGEVAL_RUN_ID": run_id}
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()


def _networks(run_id: str) -> list[str]:
    from harness.sandbox._engine import docker_client

    return [n["Name"] for n in docker_client().api.networks(filters={"label": f"plugeval.run={run_id}"})]


@pytest.mark.serial  # SIGKILLs a run and counts what it left: another process's start-up would reap it
def test_the_next_run_removes_what_a_killed_run_left_with_a_one_line_note(tmp_path: Path):
    from harness.sandbox._cleanup import list_containers

    _killed_run(tmp_path, "killedrun02")
    left = list_containers("killedrun02")
    assert len(left) >= 2 and all(not c.owner_alive for c in left)  # SIGKILL: no teardown ran
    assert len(_networks("killedrun02")) == 1

    script = tmp_path / "next_run.py"
    script.write_text(_NEXT_RUN)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "killedrun02" in line]
    assert len(notes) == 1, result.stderr
    assert f"removed {len(left)} container(s)" in notes[0] and "owner process is gone" in notes[0]
    assert list_containers("killedrun02") == []
    assert _networks("killedrun02") == []


@pytest.mark.serial  # removes every ownerless container on the host
def test_containers_of_a_live_process_are_left_alone(tmp_path: Path):
    from harness.sandbox._cleanup import list_containers, remove_containers

    script = tmp_path / "holder.py"
    script.write_text(_HOLDER)
    holder = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PLUGEVAL_RUN_ID": "liverun03"},
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        remove_containers()
        assert len(list_containers("liverun03")) >= 2
        assert len(_networks("liverun03")) == 1
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        remove_containers("liverun03")
    assert _networks("liverun03") == []
