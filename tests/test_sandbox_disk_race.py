"""The disk limit against a fast writer after a flood of small files (the issue's probe, real Docker).

An agent with `disk=3g` writes 300,000 small files (1,000 per directory), then 5 x 1 GiB as fast
as it can. Its files may take at most 3.3 GiB (the limit plus 10%) of the host's disk — measured on
what they occupy there (the `loop` file system's sparse file, or the watchdog's writable layer), so
other runs writing beside it do not count — and the sample must end with the disk-limit error,
whichever mechanism holds the limit: the one this host picks (`loop`: the kernel refuses the
writes) and the watchdog every host can fall back to (it holds the writer still while it counts
when counting would otherwise be too slow).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

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


class Peak:
    """The most `measure()` grew above its first value while it was watched (polled every 10 ms)."""

    def __init__(self, measure: Callable[[], int]) -> None:
        self.measure = measure
        self.start = measure()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.01):
            try:
                self.peak = max(self.peak, self.measure())
            except OSError:
                pass  # the container's files went with it

    def growth(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak - self.start


def host_used(path: str) -> int:
    """Bytes in use on the file system holding `path`."""
    stat = os.statvfs(path)
    return (stat.f_blocks - stat.f_bfree) * stat.f_frsize


def footprint(container_id: str, mechanism: str) -> Callable[[], int]:
    """What the container's files take on the host's disk: its file system's sparse file, or its writable layer."""
    from harness.sandbox._disk import _usage
    from harness.sandbox._loopdisk import disk_dir
    from harness.sandbox._pool import _upper_dir
    from harness.sandbox._engine import docker_client

    if mechanism == "loop":
        image = disk_dir() / f"{container_id}.img"
        return lambda: image.stat().st_blocks * 512
    upper = _upper_dir(docker_client().api, container_id)
    return lambda: _usage(upper, None)


# the watchdog holds the writer still while it counts a layer of many files: under load a count of
# 300,000 files takes seconds, so its run gets a thirtieth of the flood (the same race, in minutes less)
@pytest.mark.slow
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
        host, own = Peak(lambda: host_used(root)), Peak(footprint(env.container_id, mechanism))
        started = time.monotonic()
        # two writers: the sandbox has two cores (the flood costs time, not the point of the test)
        writers = 'python3 -c "$1" 0 "$2" & python3 -c "$1" 1 "$2"; wait'
        flood = await env.exec(["sh", "-c", writers, "sh", FLOOD, str(directories)])
        assert flood.success, flood.stderr[-500:]
        flooded = time.monotonic()
        with pytest.raises(SandboxError, match=rf"disk limit of 3g exceeded.*mechanism {mechanism}"):
            await env.exec(["sh", "-c", BIG])
        grown, took = own.growth(), host.growth()
        print(
            f"{mechanism}: flood of {directories}k files {flooded - started:.1f} s, big writes "
            f"{time.monotonic() - flooded:.1f} s; the sample's files took at most {grown / GiB:.2f} GiB of the "
            f"host's disk (the whole disk grew by at most {took / GiB:.2f} GiB, other runs' writes included)"
        )
        assert grown <= 3.3 * GiB
        await close_sample(environments, config)

    run(scenario())
