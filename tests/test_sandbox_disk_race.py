"""The disk limit against a fast writer after a flood of small files (the issue's probe, real Docker).

An agent with `disk=3g` writes 300,000 small files (1,000 per directory), then 5 x 1 GiB as fast
as it can. The host's
disk may grow by at most 3.3 GiB (the limit plus 10%) and the sample must end with the disk-limit
error, whichever mechanism holds the limit: the one this host picks (`loop`: the kernel refuses the
writes) and the watchdog every host can fall back to (it holds the writer still while it counts
when counting would otherwise be too slow).
"""

from __future__ import annotations

import os
import threading
import time

import pytest
from docker_support import close_sample, open_sample, require_docker, run

GiB = 1024**3
FLOOD = """
import os, sys
data = b"x" * 100
for d in range(int(sys.argv[1]), int(sys.argv[2]), 2):
    os.mkdir(f"d{d}")
    for i in range(1000):
        fd = os.open(f"d{d}/f{i}", os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(fd, data)
        os.close(fd)
"""
BIG = "for i in 1 2 3 4 5; do dd if=/dev/zero of=big$i bs=1M count=1024 2>&1 | tail -n 1; done"


@pytest.fixture(autouse=True)
def _docker():
    require_docker()
    yield
    from harness.sandbox import close_sandbox_pools

    close_sandbox_pools()


class HostDiskPeak:
    """The most the host's disk (the file system holding Docker's data) grew while it watched."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.start = self._used()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _used(self) -> int:
        stat = os.statvfs(self.path)
        return (stat.f_blocks - stat.f_bfree) * stat.f_frsize

    def _watch(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self._used())

    def growth(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak - self.start


@pytest.mark.slow
# the watchdog holds the writer still while it counts a layer of many files: under load a count of
# 300,000 files takes seconds, so its run gets a thirtieth of the flood (the same race, in minutes less)
@pytest.mark.parametrize(("forced", "directories"), [(None, 300), ("watchdog", 10)], ids=["native", "watchdog"])
def test_a_flood_of_small_files_then_5_gib_cannot_outrun_a_3g_limit(forced: str | None, directories: int, monkeypatch):
    from harness.sandbox import DockerSandboxConfig, SandboxError
    from harness.sandbox._disk import MECHANISM_ENV, storage_mechanism
    from harness.sandbox._engine import docker_client

    if forced:
        monkeypatch.setenv(MECHANISM_ENV, forced)
    mechanism = storage_mechanism()
    config = DockerSandboxConfig(disk="3g", pool_size=0, cpus=2)
    root = docker_client().info().get("DockerRootDir") or "/var/lib/docker"

    async def scenario():
        environments = await open_sample(config)
        env = environments["default"]
        peak = HostDiskPeak(root)
        started = time.monotonic()
        # two writers: the sandbox has two cores (the flood costs time, not the point of the test)
        writers = 'python3 -c "$1" 0 "$2" & python3 -c "$1" 1 "$2"; wait'
        flood = await env.exec(["sh", "-c", writers, "sh", FLOOD, str(directories)])
        assert flood.success, flood.stderr[-500:]
        flooded = time.monotonic()
        with pytest.raises(SandboxError, match=rf"disk limit of 3g exceeded.*mechanism {mechanism}"):
            await env.exec(["sh", "-c", BIG])
        grown = peak.growth()
        print(
            f"{mechanism}: flood of {directories}k files {flooded - started:.1f} s, big writes {time.monotonic() - flooded:.1f} s, "
            f"host disk grew by at most {grown / GiB:.2f} GiB"
        )
        assert grown <= 3.3 * GiB
        await close_sample(environments, config)

    run(scenario())
