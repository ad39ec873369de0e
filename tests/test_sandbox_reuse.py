"""The warm pool: a container handed to the next sample is indistinguishable from a fresh one.

Each case leaves something behind through one channel that survives a process exit, then looks for
it from the next sample. The pool must either reset that channel or refuse to reuse the container.
"""

from __future__ import annotations

import pytest
from docker_support import close_sample, open_sample, require_docker, run

_SYSV = """
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
made = {"shm": lambda: libc.shmget(4242, 4096, 0o1666), "msg": lambda: libc.msgget(4242, 0o1666),
        "sem": lambda: libc.semget(4242, 1, 0o1666)}[sys.argv[1]]()
assert made >= 0, ctypes.get_errno()
"""

CHANNELS = {
    # name: (command that leaves state (user), command that prints what it sees (user), run as)
    "dev-shm": (["sh", "-c", "echo 42 > /dev/shm/answer"], ["ls", "-A", "/dev/shm"], None),
    "dev-mqueue": (["touch", "/dev/mqueue/answer"], ["ls", "-A", "/dev/mqueue"], None),
    "sysv-shm": (["python3", "-c", _SYSV, "shm"], ["sh", "-c", "tail -n +2 /proc/sysvipc/shm"], None),
    "sysv-msg": (["python3", "-c", _SYSV, "msg"], ["sh", "-c", "tail -n +2 /proc/sysvipc/msg"], None),
    "sysv-sem": (["python3", "-c", _SYSV, "sem"], ["sh", "-c", "tail -n +2 /proc/sysvipc/sem"], None),
    "workspace-xattr": (
        ["python3", "-c", "import os; os.setxattr('/workspace', 'user.answer', b'42')"],
        ["python3", "-c", "import os; print(os.listxattr('/workspace'))"],
        None,
    ),
    "etc-hosts": (["sh", "-c", "echo '10.4.2.42 answer' >> /etc/hosts"], ["grep", "-c", "answer", "/etc/hosts"], "root"),
    "dev-file": (["sh", "-c", "echo 42 > /dev/answer"], ["ls", "/dev"], "root"),
}


@pytest.fixture(autouse=True)
def _docker():
    require_docker()
    yield
    from harness.sandbox import close_sandbox_pools

    close_sandbox_pools()


@pytest.mark.parametrize("channel", sorted(CHANNELS))
def test_nothing_crosses_to_the_next_sample(channel: str):
    from harness.sandbox import DockerSandboxConfig

    leave, look, user = CHANNELS[channel]
    config = DockerSandboxConfig(pool_size=1)

    async def scenario():
        fresh = await open_sample(config)
        clean_view = await fresh["default"].exec(look)
        await close_sample(fresh, config)

        first = await open_sample(config)
        left = await first["default"].exec(leave, user=user)
        assert left.success, left.stderr
        assert (await first["default"].exec(look)).stdout != clean_view.stdout  # the probe can see it
        await close_sample(first, config)

        second = await open_sample(config)
        seen = await second["default"].exec(look)
        assert (seen.stdout, seen.returncode) == (clean_view.stdout, clean_view.returncode), channel
        await close_sample(second, config)

    run(scenario())


def test_a_sample_that_changed_nothing_still_gets_the_same_container():
    from harness.sandbox import DockerSandboxConfig

    config = DockerSandboxConfig(pool_size=1)

    async def scenario():
        first = await open_sample(config)
        # reading, listing and running programs leave no trace
        await first["default"].exec(["sh", "-c", "ls -la /dev /dev/shm /workspace; cat /etc/hosts; echo x > /dev/null"])
        await first["default"].exec(["python3", "-c", "print(1)"])
        container = first["default"].container_id
        await close_sample(first, config)
        second = await open_sample(config)
        assert second["default"].container_id == container
        await close_sample(second, config)

    run(scenario())


def test_cgroup_counters_and_the_pid_counter_do_not_cross_to_the_next_sample():
    from harness.sandbox import DockerSandboxConfig

    config = DockerSandboxConfig(pool_size=1)
    busy = (
        "import os, time\n"
        "pids = [os.fork() or os._exit(0) for _ in range(200)]\n"  # 200 processes: the pid counter moves
        "[os.waitpid(p, 0) for p in pids]\n"
        "ballast = bytearray(200 * 2**20)\n"  # peak memory
        "t = time.time()\n"
        "while time.time() - t < 1: pass\n"  # CPU time
    )
    look = ["sh", "-c", "echo $$; ls -A /sys/fs/cgroup"]

    async def scenario():
        first = await open_sample(config)
        container = first["default"].container_id
        before = (await first["default"].exec(look)).stdout
        assert (await first["default"].exec(["python3", "-c", busy])).success
        await close_sample(first, config)

        second = await open_sample(config)
        assert second["default"].container_id == container  # reused ...
        assert (await second["default"].exec(look)).stdout == before  # ... and it cannot tell
        assert before.split() == ["1001"]  # the pid counter starts every sample at the same place; no counters
        await close_sample(second, config)

    run(scenario())


def test_a_container_whose_pid_counter_cannot_be_reset_is_not_reused(tmp_path, monkeypatch):
    from harness.sandbox import DockerSandboxConfig

    monkeypatch.setenv("PATH", str(tmp_path))  # a host without util-linux's nsenter/unshare
    config = DockerSandboxConfig(pool_size=1)

    async def scenario():
        first = await open_sample(config)
        container = first["default"].container_id
        await first["default"].exec(["true"])
        await close_sample(first, config)
        second = await open_sample(config)
        assert second["default"].container_id != container
        await close_sample(second, config)

    run(scenario())


@pytest.mark.slow
def test_warm_containers_count_against_max_sandboxes():
    """inspect bounds samples by `max_sandboxes`; the pool keeps warm containers inside the same bound."""
    import time

    from harness.sandbox import DockerSandboxConfig
    from harness.sandbox._environment import _image_for
    from harness.sandbox._pool import pool_for

    config = DockerSandboxConfig(pool_size=2)
    pool = pool_for(_image_for(config), config, max_sandboxes=2)
    seen = []

    def settle() -> None:
        for _ in range(40):  # refills run in the background
            seen.append(len(pool.live_containers))
            time.sleep(0.1)

    settle()
    leases = [pool.acquire(), pool.acquire()]  # two samples at once: the limit
    settle()
    for lease in leases:
        lease.dirty = True  # used: removed, and a warm one started in its place
        pool.release(lease)
    settle()
    third = pool.acquire()
    settle()
    pool.release(third)
    assert max(seen) <= 2, seen
    assert seen[-1] == 2  # and it stays warm up to the bound
