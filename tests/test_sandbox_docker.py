"""The harness-docker sandbox against a real Docker engine."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from docker_support import require_docker, run

from conftest import run_harness


@pytest.fixture(autouse=True)
def _docker():
    require_docker()
    yield
    from harness.sandbox._pool import close_pools

    close_pools()


async def _sample(config=None):
    from harness.sandbox._environment import HarnessDockerSandbox

    await HarnessDockerSandbox.task_init("test", config)
    environments = await HarnessDockerSandbox.sample_init("test", config, {})
    return environments


async def _done(environments, config=None):
    from harness.sandbox._environment import HarnessDockerSandbox

    await HarnessDockerSandbox.sample_cleanup("test", config, environments, False)


def test_exec_and_file_round_trips():
    from inspect_ai.util import SandboxUserUnsupportedError

    async def scenario():
        environments = await _sample()
        env = environments["default"]
        result = await env.exec(
            ["sh", "-c", 'echo "$GREETING from $(pwd) as $(id -un)"; cat; echo oops >&2; exit 3'],
            input="piped input\n",
            env={"GREETING": "hello"},
        )
        assert (result.returncode, result.success) == (3, False)
        assert result.stdout == "hello from /workspace as agent\npiped input\n"
        assert result.stderr == "oops\n"

        assert (await env.exec(["pwd"], cwd="sub/dir")).returncode != 0  # cwd must exist
        await env.write_file("sub/dir/notes.txt", "line one\r\nline two\n")  # parents created
        assert (await env.exec(["pwd"], cwd="sub/dir")).stdout.strip() == "/workspace/sub/dir"
        assert await env.read_file("sub/dir/notes.txt") == "line one\r\nline two\n"  # CRLF preserved
        owner = await env.exec(["stat", "-c", "%U", "sub/dir/notes.txt"])
        assert owner.stdout.strip() == "agent"

        blob = os.urandom(20 * 1024 * 1024)
        await env.write_file("/tmp/blob.bin", blob)
        assert await env.read_file("/tmp/blob.bin", text=False) == blob
        assert (await env.exec(["id", "-u"], user="root")).stdout.strip() == "0"
        with pytest.raises(SandboxUserUnsupportedError, match="nosuchuser"):
            await env.exec(["id"], user="nosuchuser")

        with pytest.raises(FileNotFoundError):
            await env.read_file("missing.txt")
        with pytest.raises(IsADirectoryError):
            await env.read_file("sub")
        with pytest.raises(PermissionError):
            await env.write_file("/etc/passwd", "x")  # the agent user cannot
        await _done(environments)

    run(scenario())


def test_a_command_past_its_timeout_is_killed_and_reported():
    async def scenario():
        environments = await _sample()
        env = environments["default"]
        started = time.monotonic()
        with pytest.raises(TimeoutError, match="timed out after 2 seconds"):
            await env.exec(["sh", "-c", "sleep 60 & sleep 60"], timeout=2)
        assert time.monotonic() - started < 10
        processes = await env.exec(["sh", "-c", "ps -eo comm= | grep -c sleep || true"], user="root")
        assert processes.stdout.strip() == "1"  # only the container's own `sleep infinity` is left
        await _done(environments)

    run(scenario())


def test_memory_limit_is_enforced():
    from harness.sandbox._config import DockerSandboxConfig

    config = DockerSandboxConfig(memory="64m", pool_size=0)

    async def scenario():
        environments = await _sample(config)
        hog = await environments["default"].exec(
            ["python3", "-c", "x = bytearray(256 * 1024 * 1024); print('survived')"]
        )
        assert "survived" not in hog.stdout
        assert hog.returncode in (137, 1)  # OOM-killed, or MemoryError
        small = await environments["default"].exec(["python3", "-c", "x = bytearray(8 * 1024 * 1024); print('ok')"])
        assert small.stdout.strip() == "ok"
        await _done(environments, config)

    run(scenario())


def test_ten_concurrent_sandboxes_are_isolated_and_state_never_leaks():
    async def scenario():
        samples = await asyncio.gather(*(_sample() for _ in range(10)))
        envs = [s["default"] for s in samples]
        assert len({e.container_id for e in envs}) == 10
        await asyncio.gather(*(e.write_file("/tmp/mine.txt", str(i)) for i, e in enumerate(envs)))
        seen = await asyncio.gather(*(e.read_file("/tmp/mine.txt") for e in envs))
        assert seen == [str(i) for i in range(10)]
        await asyncio.gather(*(_done(s) for s in samples))
        # the next samples get containers without those files
        later = await asyncio.gather(*(_sample() for _ in range(10)))
        for sample in later:
            result = await sample["default"].exec(["test", "-e", "/tmp/mine.txt"])
            assert result.returncode == 1
        await asyncio.gather(*(_done(s) for s in later))

    run(scenario())


def test_a_clean_container_is_reused_and_a_used_one_is_not():
    from harness.sandbox._config import DockerSandboxConfig

    config = DockerSandboxConfig(pool_size=1)

    async def scenario():
        first = await _sample(config)
        await first["default"].exec(["true"])
        first_id = first["default"].container_id
        await _done(first, config)
        second = await _sample(config)
        assert second["default"].container_id == first_id  # nothing changed: reused
        await second["default"].exec(["touch", "/workspace/x"])
        await _done(second, config)
        third = await _sample(config)
        assert third["default"].container_id != first_id  # it wrote a file: discarded
        await _done(third, config)

    run(scenario())


def test_a_bad_image_name_gives_a_clear_error(tmp_path: Path):
    from harness.sandbox._engine import SandboxError

    with pytest.raises(SandboxError, match="not present and could not be pulled"):
        run(_sample("plugeval/no-such-image:1"))
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM plugeval/base:bookworm\nRUN false\n")
    with pytest.raises(SandboxError, match="building .*Dockerfile failed"):
        run(_sample(str(dockerfile)))


def test_a_dockerfile_is_built_from_the_base_image(tmp_path: Path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM plugeval/base:bookworm\nRUN echo built > /opt/marker\n")

    async def scenario():
        environments = await _sample(str(dockerfile))
        assert (await environments["default"].exec(["cat", "/opt/marker"])).stdout == "built\n"
        await _done(environments, str(dockerfile))

    run(scenario())


@pytest.mark.serial  # SIGKILLs a run / counts every container whose owner is gone
def test_a_killed_run_leaves_containers_that_cleanup_removes(tmp_path: Path):
    script = tmp_path / "holder.py"
    script.write_text(
        textwrap.dedent("""
        import asyncio, sys, time
        from harness.sandbox._environment import HarnessDockerSandbox
        async def main():
            await HarnessDockerSandbox.task_init("t", None)
            for _ in range(2):
                await HarnessDockerSandbox.sample_init("t", None, {})
            print("ready", flush=True)
            time.sleep(600)
        asyncio.run(main())
    """)
    )
    env = {**os.environ, "PLUGEVAL_RUN_ID": "killedrun01"}
    holder = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout.readline().strip() == "ready"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    from harness.sandbox._cleanup import list_containers

    assert len(list_containers("killedrun01")) >= 2  # SIGKILL: no teardown ran
    listing = run_harness("sandbox", "ps")
    assert "killedrun01" in listing.stdout
    result = run_harness("sandbox", "cleanup")
    assert result.returncode == 0, result.stderr
    assert "killedrun01" in result.stdout
    assert list_containers("killedrun01") == []


@pytest.mark.slow
@pytest.mark.serial  # asserts no container on the host is left without its owner
def test_eval_with_inspect_tools_sample_files_and_setup(plugin_site, tmp_path: Path):
    from conftest import PluginDist

    site = plugin_site(
        PluginDist(
            name="sandboxed-task",
            entry_points={"harness.tasks": {"shell_facts": "sandboxed_task:shell_facts"}},
            modules={
                "sandboxed_task/__init__.py": '''
                    from inspect_ai import Task, task
                    from inspect_ai.dataset import Sample
                    from inspect_ai.scorer import includes
                    from inspect_ai.solver import solver
                    from inspect_ai.tool import bash, python, text_editor
                    from inspect_ai.util import sandbox

                    @solver
                    def run_tools():
                        async def solve(state, generate):
                            listing = " ".join((await bash()("cat data.txt setup.txt")).split())
                            computed = await python()("print(6 * 7)")
                            made = (await sandbox().exec(["pwd"])).stdout.strip() + "/made.txt"
                            await text_editor()(command="create", path=made, file_text="edited")
                            assert "edited" in await text_editor()(command="view", path=made)
                            user = (await sandbox().exec(["id", "-un"])).stdout.strip()
                            state.output.completion = f"{listing.strip()} {computed.strip()} {user}"
                            return state
                        return solve

                    @task
                    def shell_facts(image: str = "plugeval/base:bookworm"):
                        """Runs inspect tools in the harness-docker sandbox."""
                        samples = [
                            Sample(input="go", target=f"from-file-{i} from-setup 42 agent",
                                   files={"data.txt": f"from-file-{i}\\n"}, setup="echo from-setup > setup.txt")
                            for i in range(3)
                        ]
                        return Task(dataset=samples, solver=run_tools(), scorer=includes(),
                                    sandbox=("harness-docker", image))
                ''',
            },
        )
    )
    result = run_harness("eval", "task=shell_facts", f"log_dir={tmp_path}", "display=none", site=site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "accuracy" in result.stdout and "1.000" in result.stdout, result.stdout
    from harness.sandbox._cleanup import list_containers

    assert [c for c in list_containers() if c.owner_alive is False] == []

    # without an engine: a clear error naming the explicit alternative, never a silent fallback
    no_engine = run_harness(
        "eval",
        "task=shell_facts",
        f"log_dir={tmp_path}",
        "display=none",
        site=site,
        env={"DOCKER_HOST": "unix:///nonexistent/docker.sock"},
    )
    assert no_engine.returncode != 0
    assert "sandbox=local" in no_engine.stdout + no_engine.stderr
    # chosen explicitly, the local sandbox runs the same samples on this machine (as this user, not `agent`)
    local = run_harness("eval", "task=shell_facts", "sandbox=local", f"log_dir={tmp_path}", "display=none", site=site)
    assert local.returncode == 0, local.stdout + local.stderr
    assert "0.000" in local.stdout, local.stdout

    bad = run_harness(
        "eval", "task=shell_facts", "task.image=plugeval/absent:0", f"log_dir={tmp_path}", "display=none", site=site
    )
    assert bad.returncode != 0
    assert "plugeval/absent:0" in bad.stdout + bad.stderr


def test_max_containers_makes_acquire_wait():
    from harness.sandbox._config import DockerSandboxConfig

    config = DockerSandboxConfig(max_containers=2, pool_size=0)

    async def scenario():
        held = [await _sample(config), await _sample(config)]
        third = asyncio.ensure_future(_sample(config))
        await asyncio.sleep(2)
        assert not third.done()  # both slots are taken
        await _done(held[0], config)
        got = await asyncio.wait_for(third, timeout=30)
        await _done(held[1], config)
        await _done(got, config)

    run(scenario())


@pytest.mark.slow
def test_ctrl_c_during_a_run_removes_its_containers(plugin_site, tmp_path: Path):
    from conftest import PluginDist

    from harness.sandbox._cleanup import list_containers

    site = plugin_site(
        PluginDist(
            name="slow-sandboxed",
            entry_points={"harness.tasks": {"slow_shell": "slow_sandboxed:slow_shell"}},
            modules={
                "slow_sandboxed/__init__.py": """
                    from inspect_ai import Task, task
                    from inspect_ai.dataset import Sample
                    from inspect_ai.scorer import includes
                    from inspect_ai.solver import solver
                    from inspect_ai.util import sandbox

                    @solver
                    def wait():
                        async def solve(state, generate):
                            await sandbox().exec(["sleep", "120"])
                            return state
                        return solve

                    @task
                    def slow_shell():
                        return Task(dataset=[Sample(input="x", target="y", id=i) for i in range(2)], solver=wait(), scorer=includes(),
                                    sandbox=("harness-docker", "plugeval/base:bookworm"))
                """,
            },
        )
    )
    env = {**os.environ, "PYTHONPATH": str(site), "HARNESS_MODEL": "mockllm/model"}
    run = subprocess.Popen(
        [sys.executable, "-m", "harness", "eval", "task=slow_shell", f"log_dir={tmp_path}", "display=none"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    owner = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and owner is None and run.poll() is None:
        mine = [c for c in list_containers() if c.owner.endswith(f":{run.pid}")]
        owner = mine[0].owner if len(mine) >= 2 else None
        time.sleep(0.5)
    assert owner is not None, "the run never started its containers: " + "".join(run.communicate(timeout=60))
    time.sleep(2)  # let the samples reach their sleep
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=120)
    assert run.returncode != 0
    assert [c for c in list_containers() if c.owner == owner] == [], out + err


def test_a_sample_can_have_several_named_environments():
    from harness import DockerSandboxConfig

    config = DockerSandboxConfig(environments=("agent1", "agent2"), max_containers=2, pool_size=0)

    async def scenario():
        environments = await _sample(config)
        assert list(environments) == ["agent1", "agent2"]
        first, second = environments["agent1"], environments["agent2"]
        assert first.container_id != second.container_id  # one container each, nothing shared
        await first.write_file("mine.txt", "agent1 was here")
        assert (await second.exec(["test", "-e", "mine.txt"])).returncode != 0
        await _done(environments, config)
        # both slots came back: a second sample gets its two containers without waiting
        again = await asyncio.wait_for(_sample(config), timeout=60)
        assert len(again) == 2
        await _done(again, config)

    run(scenario())
    with pytest.raises(ValueError, match="distinct"):
        DockerSandboxConfig(environments=("a", "a"))


def test_a_sample_needing_more_containers_than_allowed_is_refused():
    from harness import DockerSandboxConfig, SandboxError

    config = DockerSandboxConfig(environments=("a", "b", "c"), max_containers=2, pool_size=0)
    with pytest.raises(SandboxError, match="needs 3 containers but max_containers is 2"):
        run(_sample(config))


def test_a_failed_dockerfile_build_leaves_no_container(tmp_path: Path):
    from harness import DockerSandboxConfig, SandboxError
    from harness.sandbox._images import ensure_image

    (tmp_path / "Dockerfile").write_text(f"FROM plugeval/base:bookworm\nRUN echo {tmp_path.name} && false\n")
    with pytest.raises(SandboxError, match="failed"):
        ensure_image(DockerSandboxConfig(dockerfile=str(tmp_path / "Dockerfile")))
    commands = subprocess.run(
        ["docker", "ps", "-a", "--no-trunc", "--format", "{{.Command}}"], capture_output=True, text=True
    ).stdout
    assert tmp_path.name not in commands  # rm=True alone keeps the failed step's container
