"""Limits an agent cannot talk its way past: disk space and the exec timeout (real Docker)."""

from __future__ import annotations

import errno
import re
import time
from pathlib import Path

import pytest
from docker_support import close_sample, container_exists, open_sample, processes, require_docker, run

MiB = 1024**2


@pytest.fixture(autouse=True)
def _docker():
    require_docker()
    yield
    from harness.sandbox import close_sandbox_pools

    close_sandbox_pools()


def test_disk_is_a_config_field_read_from_task_configs(tmp_path: Path):
    from harness.sandbox._config import DockerSandboxConfig, parse_config
    from harness.sandbox._engine import SandboxError

    assert DockerSandboxConfig().disk == "10g"
    assert parse_config({"disk": "64m"}).disk_bytes == 64 * MiB
    assert parse_config({"disk": None}).disk_bytes is None
    config_file = tmp_path / "sandbox.yaml"
    config_file.write_text("memory: 512m\ndisk: 2g\n")
    assert parse_config(str(config_file)).disk_bytes == 2 * 1024**3
    with pytest.raises(SandboxError, match="disk"):
        parse_config({"disk": "lots"})


@pytest.fixture(params=["native", "watchdog"])
def mechanism(request, monkeypatch) -> str:
    """The disk mechanism this host picks by itself (quota or loop), and the watchdog every host can fall back to."""
    from harness.sandbox._disk import MECHANISM_ENV, storage_mechanism

    if request.param == "watchdog":
        monkeypatch.setenv(MECHANISM_ENV, "watchdog")
    return storage_mechanism()


def test_one_file_stops_at_the_disk_limit_inside_the_sandbox(mechanism: str):
    from harness.sandbox import DockerSandboxConfig
    from harness.sandbox._engine import docker_client

    config = DockerSandboxConfig(disk="64m", pool_size=0)

    async def scenario():
        environments = await open_sample(config)
        env = environments["default"]
        labels = docker_client().api.inspect_container(env.container_id)["Config"]["Labels"]
        assert labels["plugeval.disk"] == mechanism
        filled = await env.exec(["sh", "-c", "dd if=/dev/zero of=fill bs=1M count=200; echo exit=$?; stat -c %s fill"])
        assert "exit=0" not in filled.stdout, filled.stdout + filled.stderr
        assert int(filled.stdout.split()[-1]) <= 64 * MiB
        await env.exec(["rm", "fill"])
        with pytest.raises(OSError) as raised:  # inspect's write_file is held to the same limit
            await env.write_file("big.bin", b"\0" * (80 * MiB))
        assert raised.value.errno in (errno.EFBIG, errno.ENOSPC), raised.value
        assert (await env.exec(["test", "-e", "big.bin"])).returncode == 1  # no half-written file left
        await env.write_file("small.bin", b"\0" * MiB)  # the sandbox goes on working
        await close_sample(environments, config)

    run(scenario())


def test_the_loop_disk_is_a_file_system_of_the_limits_size():
    from harness.sandbox import DockerSandboxConfig
    from harness.sandbox._disk import storage_mechanism

    if storage_mechanism() != "loop":
        pytest.skip(f"this host holds the disk limit with {storage_mechanism()}, not a loop file system")
    config = DockerSandboxConfig(disk="64m", pool_size=0)

    async def scenario():
        environments = await open_sample(config)
        size = await environments["default"].exec(["sh", "-c", "df -B1 --output=size,avail / | tail -n 1"])
        total, free = (int(v) for v in size.stdout.split())
        assert 64 * MiB <= free <= total <= 80 * MiB, size.stdout  # what the sample may write: the limit
        await close_sample(environments, config)

    run(scenario())


@pytest.mark.parametrize(
    "writer",
    [
        "for i in range(400):\n    open(f'f{i}', 'wb').write(bytes(1 << 20))",  # 400 MiB in files of 1 MiB
        "for i in range(200000):\n    open(f'e{i}', 'wb').close()",  # empty files: inodes cost space too
    ],
    ids=["many-1MiB-files", "many-empty-files"],
)
@pytest.mark.slow
def test_many_files_past_the_disk_limit_end_the_command_with_a_sandbox_error(writer: str, mechanism: str):
    from harness.sandbox import DockerSandboxConfig, SandboxError

    config = DockerSandboxConfig(disk="64m", pool_size=0)

    async def scenario():
        environments = await open_sample(config)
        env = environments["default"]
        started = time.monotonic()
        with pytest.raises(SandboxError, match=rf"disk limit of 64m exceeded.*mechanism {mechanism}") as raised:
            await env.exec(["python3", "-c", writer])
        assert time.monotonic() - started < 60
        used = float(re.search(r"reached ([\d.]+) MiB", str(raised.value)).group(1))
        if mechanism == "watchdog":
            assert 64 <= used <= 64 + 128, raised.value  # a bounded overshoot
        else:  # the kernel refused the writes: at most the file system, and blocks or inodes ran out
            assert used <= 64 + 16, raised.value
        print(f"disk limit 64 MiB ({mechanism}): stopped at {used} MiB")
        for _ in range(100):  # stopped at once, and removed right after: the space is freed
            if not container_exists(env.container_id):
                break
            time.sleep(0.1)
        assert not container_exists(env.container_id)
        with pytest.raises(SandboxError, match="disk limit"):  # and the sample learns it on every call
            await env.exec(["true"])
        await close_sample(environments, config)

    run(scenario())


def test_disk_none_lifts_the_limit_and_the_default_is_10g():
    from harness.sandbox import DockerSandboxConfig

    async def scenario():
        for config, expected in ((DockerSandboxConfig(pool_size=0), str(10 * 1024**3 // 512)),
                                 (DockerSandboxConfig(disk=None, pool_size=0), "unlimited")):
            environments = await open_sample(config)
            result = await environments["default"].exec(["sh", "-c", "ulimit -f"])
            assert result.stdout.strip() == expected
            await close_sample(environments, config)

    run(scenario())


@pytest.mark.slow
def test_a_timeout_kills_the_commands_whole_tree_even_detached_children():
    async def scenario():
        environments = await open_sample()
        env = environments["default"]
        # a daemon an earlier command left running is not the timed-out command's: it stays
        await env.exec(["sh", "-c", "setsid sleep 604 >/dev/null 2>&1 &"])
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await env.exec(
                [
                    "sh",
                    "-c",
                    "setsid sleep 601 & env -i setsid sleep 602 & (setsid sh -c 'sleep 603' &); sleep 600",
                ],
                timeout=5,
            )
        assert time.monotonic() - started < 15
        listing = await processes(env)
        assert not re.search(r"sleep 60[0-3]", listing), listing
        assert "sleep 604" in listing
        await close_sample(environments)

    run(scenario())


@pytest.mark.slow
def test_the_issue_probe_setsid_sleep_leaves_nothing_running():
    async def scenario():
        environments = await open_sample()
        env = environments["default"]
        with pytest.raises(TimeoutError, match="timed out after 5 seconds"):
            await env.exec(["sh", "-c", "setsid sleep 601 & sleep 600"], timeout=5)
        listing = await processes(env)
        assert "sleep 60" not in listing, listing
        await close_sample(environments)

    run(scenario())


def test_without_coreutils_timeout_the_host_deadline_kills_the_tree():
    from harness.sandbox._engine import docker_client
    from harness.sandbox._exec import run_exec

    async def scenario():
        environments = await open_sample()
        env = environments["default"]
        started = time.monotonic()
        outcome = run_exec(  # as for an image without /usr/bin/timeout; the command ignores TERM
            docker_client().api,
            env.container_id,
            ["sh", "-c", "trap '' TERM; setsid sleep 605 & sleep 606"],
            user="agent",
            timeout=3,
            can_timeout_in_container=False,
        )
        assert outcome.timed_out and time.monotonic() - started < 10
        assert not re.search(r"sleep 60[56]", await processes(env))
        await close_sample(environments)

    run(scenario())


@pytest.mark.slow
def test_a_silent_command_outlasting_the_clients_socket_timeout_is_waited_for():
    import docker

    from harness.sandbox._exec import run_exec

    async def scenario():
        environments = await open_sample()
        env = environments["default"]
        # the harness's client has a 120 s socket timeout; a command silent for longer once looked finished
        api = docker.from_env(timeout=2).api
        outcome = run_exec(api, env.container_id, ["sh", "-c", "sleep 5; echo done"], user="agent")
        assert (outcome.returncode, outcome.stdout, outcome.timed_out) == (0, b"done\n", False)
        await close_sample(environments)

    run(scenario())
