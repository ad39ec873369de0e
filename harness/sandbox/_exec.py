"""Running one command in a container over the Docker API, with stdin, a timeout and an output cap."""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass

TIMEOUT_BINARY = "/usr/bin/timeout"
_KILL_GRACE_SECONDS = 2
_BACKSTOP_SECONDS = 15


@dataclass(frozen=True)
class ExecOutcome:
    """What a command did: exit code, captured output, and whether it was stopped for overrunning."""

    returncode: int
    stdout: bytes
    stderr: bytes
    timed_out: bool
    output_truncated: bool
    seconds: float


def run_exec(
    api,
    container_id: str,
    cmd: list[str],
    *,
    input: bytes | None = None,
    workdir: str | None = None,
    env: dict[str, str] | None = None,
    user: str | None = None,
    timeout: int | None = None,
    max_output: int = 10 * 1024**2,
    can_timeout_in_container: bool = True,
) -> ExecOutcome:
    """Run `cmd` in the container and wait for it (blocking; call from a worker thread).

    A timeout is enforced inside the container by coreutils `timeout`, which signals the whole
    process group (TERM, then KILL after a grace period); a host-side deadline backs it up for
    images without `timeout` or for a daemon that stops answering.
    """
    wrapped = list(cmd)
    if timeout is not None and can_timeout_in_container:
        wrapped = [TIMEOUT_BINARY, f"--kill-after={_KILL_GRACE_SECONDS}", str(timeout), *cmd]
    exec_id = api.exec_create(
        container_id,
        wrapped,
        stdin=input is not None,
        stdout=True,
        stderr=True,
        environment=env or None,
        workdir=workdir,
        user=user or "",
    )["Id"]
    started = time.monotonic()
    sock = api.exec_start(exec_id, socket=True)
    raw = getattr(sock, "_sock", sock)
    deadline = None if timeout is None else started + timeout + _KILL_GRACE_SECONDS + _BACKSTOP_SECONDS
    try:
        if input is not None:
            raw.sendall(input)
            raw.shutdown(socket.SHUT_WR)
        stdout, stderr, truncated, backstopped = _read_frames(raw, deadline, max_output)
    finally:
        sock.close()
    seconds = time.monotonic() - started
    if backstopped:
        return ExecOutcome(137, stdout, stderr, True, truncated, seconds)
    returncode = _exit_code(api, exec_id)
    timed_out = timeout is not None and returncode in (124, 137) and seconds >= timeout - 0.5
    return ExecOutcome(returncode, stdout, stderr, timed_out, truncated, seconds)


def _exit_code(api, exec_id: str) -> int:
    # the stream can close a moment before the daemon records the exit code
    for _ in range(50):
        info = api.exec_inspect(exec_id)
        if not info.get("Running") and info.get("ExitCode") is not None:
            return int(info["ExitCode"])
        time.sleep(0.01)
    return int(api.exec_inspect(exec_id).get("ExitCode") or 1)


def _read_frames(raw: socket.socket, deadline: float | None, max_output: int) -> tuple[bytes, bytes, bool, bool]:
    """Read Docker's multiplexed stream (8-byte header: stream id, 3 pad bytes, big-endian length)."""
    buffers = {1: bytearray(), 2: bytearray()}
    truncated = False
    pending = bytearray()
    while True:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return bytes(buffers[1]), bytes(buffers[2]), truncated, True
            raw.settimeout(remaining)
        try:
            chunk = raw.recv(65536)
        except TimeoutError:
            return bytes(buffers[1]), bytes(buffers[2]), truncated, True
        if not chunk:
            break
        pending += chunk
        while len(pending) >= 8:
            stream, length = struct.unpack(">BxxxL", pending[:8])
            if len(pending) < 8 + length:
                break
            payload = pending[8 : 8 + length]
            del pending[: 8 + length]
            target = buffers.get(stream)
            if target is None:
                continue
            if len(target) + len(payload) > max_output:
                # keep the most recent output, as a terminal would show it
                truncated = True
                target += payload
                del target[: len(target) - max_output]
            else:
                target += payload
    return bytes(buffers[1]), bytes(buffers[2]), truncated, False
