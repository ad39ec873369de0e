"""`harness.sandbox.Container`: the public hardened path for containers outside a sample (real Docker)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest
from docker_support import container_exists, require_docker


@pytest.fixture(autouse=True)
def _docker():
    require_docker()


def _status(box, user: str | None = None) -> dict[str, str]:
    text = box.exec(["cat", "/proc/self/status"], user=user).stdout
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def test_a_container_is_hardened_like_every_sandbox_and_removed_on_close():
    from harness.sandbox import BASE_IMAGE, Container, DockerSandboxConfig
    from harness.sandbox._engine import docker_client

    config = DockerSandboxConfig(memory="256m", pids_limit=64, disk="64m")
    with Container(BASE_IMAGE, config, labels={"plugeval.test": "hardened"}) as box:
        info = docker_client().api.inspect_container(box.id)
        labels, host = info["Config"]["Labels"], info["HostConfig"]
        assert labels["plugeval.test"] == "hardened" and labels["plugeval.run"] and labels["plugeval.owner"]
        assert labels["plugeval.disk"] in ("quota", "loop", "watchdog")
        assert host["SecurityOpt"] == ["no-new-privileges"] and host["CapDrop"] == ["ALL"]
        assert (host["Memory"], host["PidsLimit"], host["LogConfig"]["Type"]) == (256 * 1024**2, 64, "none")
        assert host["NetworkMode"] == "none"
        assert box.exec(["id", "-un"]).stdout.strip() == "agent"  # non-root by default
        agent = _status(box)
        assert (agent["CapEff"], agent["NoNewPrivs"], agent["Seccomp"]) == ("0000000000000000", "1", "2")
        root = _status(box, user="root")  # root keeps six capabilities, not docker's fourteen
        assert bin(int(root["CapBnd"], 16)).count("1") == 6
        box.write_file("notes/a.txt", "hello")
        assert box.read_file("notes/a.txt") == b"hello"
        slow = box.exec(["sh", "-c", "setsid sleep 600 & sleep 600"], timeout=2)
        assert slow.timed_out and "sleep 600" not in box.exec(["ps", "-eo", "args"], user="root").stdout
        container = box.id
    assert not container_exists(container)


def test_docker_refusing_a_container_is_an_infra_error_with_dockers_reason():
    from harness import InfraError
    from harness.sandbox import BASE_IMAGE, Container, DockerSandboxConfig, SandboxError

    with pytest.raises(InfraError, match="could not start a container from .*CPUs"):
        Container(BASE_IMAGE, DockerSandboxConfig(cpus=4096))  # more than the machine has: docker refuses
    with pytest.raises(SandboxError, match="not found"):  # a missing image is the user's to build, not infra
        Container("plugeval/no-such-image:1")


def test_a_full_disk_stops_the_container_and_every_later_call_says_why():
    from harness.sandbox import BASE_IMAGE, Container, DockerSandboxConfig, SandboxError

    with Container(BASE_IMAGE, DockerSandboxConfig(disk="64m")) as box:
        with pytest.raises(SandboxError, match="disk limit of 64m exceeded"):
            box.exec(["python3", "-c", "for i in range(200):\n    open(f'f{i}', 'wb').write(bytes(1 << 20))"])
        with pytest.raises(SandboxError, match="disk limit"):
            box.exec(["true"])


def test_a_killed_process_leaves_its_containers_to_the_next_runs_reaping(tmp_path):
    from harness.sandbox._cleanup import list_containers, remove_containers

    script = textwrap.dedent(
        """
        import os, sys, time
        from harness.sandbox import BASE_IMAGE, Container
        box = Container(BASE_IMAGE)
        print(box.id, flush=True)
        time.sleep(600)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    container = child.stdout.readline().strip()
    assert container_exists(container)
    child.kill()  # no atexit, no close: only the labels are left
    child.wait()
    assert any(c.id == container and not c.owner_alive for c in list_containers())
    removed = remove_containers()
    assert container in {c.id for c in removed}
    for _ in range(50):
        if not container_exists(container):
            break
        time.sleep(0.1)
    assert not container_exists(container)


def test_a_container_lost_mid_sample_ends_it_as_an_infra_error_with_dockers_reason(tmp_path):
    from inspect_ai import Task, eval
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import Score, scorer
    from inspect_ai.solver import solver
    from inspect_ai.util import sandbox

    from harness.results._causes import error_cause
    from harness.sandbox import DockerSandboxConfig, HarnessDockerSandbox, close_sandbox_pools
    from harness.sandbox._engine import docker_client

    @solver
    def lose_the_container():
        async def solve(state, generate):
            # the engine loses the container (as a daemon restart or an OOM-killed shim would)
            box = sandbox().as_type(HarnessDockerSandbox)
            docker_client().api.remove_container(box.container_id, force=True)
            return state

        return solve

    @scorer(metrics=[])
    def run_the_tests():
        async def score(state, target):
            await sandbox().exec(["true"])
            return Score(value=1)

        return score

    task = Task(
        dataset=[Sample(input="x")],
        solver=lose_the_container(),
        scorer=run_the_tests(),
        sandbox=("harness-docker", DockerSandboxConfig(pool_size=0)),
    )
    try:
        log = eval(task, model="mockllm/model", log_dir=str(tmp_path), display="none")[0]
    finally:
        close_sandbox_pools()
    error = log.samples[0].error
    cause = error_cause(error)
    assert cause.infra, cause
    assert "is gone or not running" in cause.text and "No such container" in cause.text
