"""read_file/write_file against a hostile agent, and errors when the container is gone (real Docker)."""

from __future__ import annotations

import tracemalloc

import pytest
from docker_support import close_sample, open_sample, require_docker, run

MiB = 1024**2

# flips `target` between a small readable file and something else, as fast as it can
_SWAPPER = """
cd /workspace
while :; do
  mv target held; mv other target; mv target other; mv held target
done >/dev/null 2>&1 &
"""


@pytest.fixture(autouse=True)
def _docker():
    require_docker()
    yield
    from harness.sandbox import close_sandbox_pools

    close_sandbox_pools()


class _PeakMemory:
    """Peak bytes allocated by Python while the block runs (every thread)."""

    def __enter__(self) -> _PeakMemory:
        tracemalloc.start()
        tracemalloc.reset_peak()
        return self

    def __exit__(self, *exc: object) -> None:
        self.peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def test_read_file_stops_at_the_cap_with_inspects_wording():
    from inspect_ai.util import OutputLimitExceededError
    from inspect_ai.util._sandbox.limits import override_max_read_file_size

    async def scenario():
        environments = await open_sample()
        env = environments["default"]
        await env.exec(["dd", "if=/dev/zero", "of=big.bin", "bs=1M", "count=64"])
        # a file whose size says so, and one whose size says 0 (the stream itself is cut at the cap)
        for path, cap, wording in (("big.bin", MiB, "1 MiB"), ("/proc/cpuinfo", 1024, "1 KiB")):
            with override_max_read_file_size(cap), _PeakMemory() as memory:
                with pytest.raises(OutputLimitExceededError) as raised:
                    await env.read_file(path, text=False)
            assert f"limit of {wording} was exceeded" in str(raised.value)
            assert memory.peak < 8 * MiB, (path, memory.peak)
        with pytest.raises(OSError, match="regular file"):  # an endless device is not read at all
            await env.read_file("/dev/zero", text=False)
        await close_sample(environments)

    run(scenario())


def test_read_file_cannot_be_raced_into_a_directory_or_a_root_only_file():
    from inspect_ai.util import OutputLimitExceededError
    from inspect_ai.util._sandbox.limits import override_max_read_file_size

    async def scenario():
        environments = await open_sample()
        env = environments["default"]
        # `other` is a directory holding 48 MiB, or a symlink to a file only root may read
        for other in ("mkdir other && dd if=/dev/zero of=other/blob bs=1M count=48 2>/dev/null",
                      "ln -s /etc/shadow other"):
            await env.exec(["sh", "-c", f"rm -rf target other; echo small > target; {other}"])
            await env.exec(["sh", "-c", _SWAPPER])
            outcomes = set()
            with override_max_read_file_size(2 * MiB), _PeakMemory() as memory:
                for _ in range(25):
                    try:
                        content = await env.read_file("target")
                        outcomes.add("small" if content == "small\n" else f"other:{content[:40]!r}")
                    except (FileNotFoundError, IsADirectoryError, PermissionError, OutputLimitExceededError) as ex:
                        outcomes.add(type(ex).__name__)
            assert memory.peak < 8 * MiB, (other, memory.peak)
            assert not [o for o in outcomes if o.startswith("other")], outcomes  # never root's file
            await env.exec(["pkill", "-f", "mv target"])
        await close_sample(environments)

    run(scenario())


def test_write_file_as_the_user_even_when_racing_a_symlink():
    async def scenario():
        environments = await open_sample()
        env = environments["default"]
        # a directory flipped with a symlink to /etc: a root-side copy would land in /etc
        await env.exec(["sh", "-c", "mkdir -p real && ln -s /etc other && mv real target"])
        await env.exec(["sh", "-c", _SWAPPER])
        for attempt in range(25):
            try:
                await env.write_file(f"target/planted{attempt}", "x")
            except (PermissionError, FileNotFoundError, NotADirectoryError, OSError):
                pass
        await env.exec(["pkill", "-f", "mv target"])
        planted = await env.exec(["sh", "-c", "ls /etc | grep -c planted"])
        assert planted.stdout.strip() == "0", planted.stdout
        await close_sample(environments)

    run(scenario())


def test_a_vanished_container_gives_inspects_sandbox_error_everywhere():
    from inspect_ai.util import SandboxUnavailableError

    from harness.sandbox._engine import docker_client

    async def scenario():
        environments = await open_sample()
        env = environments["default"]
        docker_client().api.remove_container(env.container_id, force=True)
        calls = {
            "exec": env.exec(["true"]),
            "exec with timeout": env.exec(["true"], timeout=5),
            "exec as root": env.exec(["true"], user="root"),
            "exec with input": env.exec(["cat"], input="x"),
            "write_file text": env.write_file("a.txt", "x"),
            "write_file bytes": env.write_file("a.bin", b"x"),
            "read_file text": env.read_file("a.txt"),
            "read_file bytes": env.read_file("a.bin", text=False),
        }
        for name, call in calls.items():
            with pytest.raises(SandboxUnavailableError, match="container"):
                await call
            assert name
        await close_sample(environments)  # and the sample still ends cleanly

    run(scenario())


def test_exec_streams_input_while_the_command_writes_output():
    async def scenario():
        environments = await open_sample()
        env = environments["default"]
        payload = b"y" * (8 * MiB)
        result = await env.exec(["cat"], input=payload, timeout=60)  # both pipes full at once must not deadlock
        assert result.success and len(result.stdout) == len(payload)
        await close_sample(environments)

    run(scenario())
