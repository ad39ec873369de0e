"""One `docker exec` over the Docker API: start it, feed stdin, read its multiplexed output with caps.

The bottom layer of running commands: no deadline and no killing here (`_exec` adds those, with
`_reap` to sweep what a command started). `_reap` runs its sweep through this layer, so the two
never import each other.
"""

from __future__ import annotations

import select
import socket
import struct
import threading
import time
from dataclasses import dataclass

START_PREFIX = b"plugeval-exec-start "
"""First stderr line of a command run behind `_exec`'s prelude: its first process's pid and start time."""


@dataclass(frozen=True)
class ExecOutcome:
    """What a command did: exit code, captured output, and whether it was stopped early."""

    returncode: int
    stdout: bytes
    stderr: bytes
    timed_out: bool
    output_truncated: bool
    seconds: float
    over_limit: bool = False
    """Its stdout passed `stdout_limit`: reading stopped there and the command was killed."""


@dataclass
class Exec:
    """A started exec: its id, its socket, the reader of its output and the thread writing its stdin."""

    exec_id: str
    sock: object
    reader: FrameReader
    sender: threading.Thread | None
    started: float

    def close(self) -> None:
        """Close the stream and wait briefly for the stdin writer."""
        self.sock.close()  # type: ignore[attr-defined]
        if self.sender is not None:
            self.sender.join(timeout=5)


def start_exec(
    api,
    container_id: str,
    cmd: list[str],
    *,
    input: bytes | None = None,
    workdir: str | None = None,
    env: dict[str, str] | None = None,
    user: str | None = None,
    max_output: int = 10 * 1024**2,
    stdout_limit: int | None = None,
    expect_start: bool = False,
) -> Exec:
    """Create and start an exec of `cmd`; its output is read with `Exec.reader`."""
    started = time.monotonic()
    exec_id = api.exec_create(
        container_id,
        cmd,
        stdin=input is not None,
        stdout=True,
        stderr=True,
        environment=env or None,
        workdir=workdir,
        user=user or "",
    )["Id"]
    sock = api.exec_start(exec_id, socket=True)
    raw = getattr(sock, "_sock", sock)
    reader = FrameReader(raw, max_output, stdout_limit, expect_start=expect_start)
    return Exec(exec_id, sock, reader, _start_sender(raw, input), started)


def run_plain(api, container_id: str, cmd: list[str], *, user: str | None = None) -> ExecOutcome:
    """Run `cmd` to its end with no deadline (for short commands of the harness's own)."""
    running = start_exec(api, container_id, cmd, user=user)
    try:
        running.reader.read(None)
    finally:
        running.close()
    stdout, stderr = bytes(running.reader.buffers[1]), bytes(running.reader.buffers[2])
    seconds = time.monotonic() - running.started
    return ExecOutcome(exit_code(api, running.exec_id), stdout, stderr, False, running.reader.truncated, seconds)


def is_running(api, exec_id: str) -> bool:
    """Whether the exec's process still runs."""
    return bool(api.exec_inspect(exec_id).get("Running"))


def exit_code(api, exec_id: str, patience: float = 30.0) -> int:
    """The exec's exit code: the stream can close a while before the daemon records it (seconds, under load)."""
    deadline, pause = time.monotonic() + patience, 0.005
    while True:
        info = api.exec_inspect(exec_id)
        if not info.get("Running") and info.get("ExitCode") is not None:
            return int(info["ExitCode"])
        if time.monotonic() > deadline:
            return int(info.get("ExitCode") or 1)
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _start_sender(raw: socket.socket, data: bytes | None) -> threading.Thread | None:
    """Write stdin from its own thread, so a command that answers while it reads cannot deadlock us."""
    if data is None:
        return None

    def send() -> None:
        try:
            view = memoryview(data)
            for offset in range(0, len(view), 1 << 20):
                raw.sendall(view[offset : offset + (1 << 20)])
            raw.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the command exited without reading it all, or the stream was closed

    thread = threading.Thread(target=send, name="plugeval-exec-stdin", daemon=True)
    thread.start()
    return thread


class FrameReader:
    """Reads Docker's multiplexed stream (8-byte header: stream id, 3 pad bytes, big-endian length)."""

    def __init__(self, raw: socket.socket, max_output: int, stdout_limit: int | None, expect_start: bool) -> None:
        self.raw = raw
        self.max_output = max_output
        self.stdout_limit = stdout_limit
        self.buffers = {1: bytearray(), 2: bytearray()}
        self.truncated = False
        self.over_limit = False
        self.started: tuple[str, str] | None = None
        """The command's first process as the prelude reported it: (pid, start time in clock ticks)."""
        self._pending = bytearray()
        self._expect_start = expect_start

    def read(self, until: float | None) -> bool:
        """Read until the stream ends (True) or `until` (a monotonic time) passes (False)."""
        while True:
            # select, not a socket timeout: the stdin sender shares the socket and must block freely
            # and always select first: a blocking recv would end at the client's socket timeout (120 s)
            # and a long silent command would look finished
            buffered = getattr(self.raw, "pending", lambda: 0)()  # TLS: bytes already decrypted
            if not buffered:
                remaining = None if until is None else until - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                if not select.select([self.raw], [], [], remaining)[0]:
                    return False
            try:
                chunk = self.raw.recv(65536)
            except TimeoutError:
                continue  # readable yet nothing came (a TLS record in parts): look again
            except OSError:
                return True  # reset by the daemon: the command is gone
            if not chunk:
                return True
            self._pending += chunk
            self._frames()
            if self.over_limit:
                return True

    def _frames(self) -> None:
        pending = self._pending
        while len(pending) >= 8:
            stream, length = struct.unpack(">BxxxL", pending[:8])
            if len(pending) < 8 + length:
                break
            payload = pending[8 : 8 + length]
            del pending[: 8 + length]
            target = self.buffers.get(stream)
            if target is None:
                continue
            if stream == 2 and self._expect_start:
                payload = self._take_start(target, payload)
            if stream == 1 and self.stdout_limit is not None and len(target) + len(payload) > self.stdout_limit:
                target += payload[: self.stdout_limit - len(target)]
                self.over_limit = True
                return
            target += payload
            if len(target) > self.max_output:
                # keep the most recent output, as a terminal would show it
                self.truncated = True
                del target[: len(target) - self.max_output]

    def _take_start(self, stderr: bytearray, payload: bytearray) -> bytearray:
        """Take the prelude's line off the front of stderr (it may arrive split over frames)."""
        stderr += payload
        if b"\n" not in stderr:
            return bytearray()
        line, _, rest = bytes(stderr).partition(b"\n")
        self._expect_start = False
        del stderr[:]
        fields = line[len(START_PREFIX) :].split() if line.startswith(START_PREFIX) else []
        if len(fields) == 2 and all(field.isdigit() for field in fields):
            self.started = (fields[0].decode(), fields[1].decode())
            return bytearray(rest)
        return bytearray(line + b"\n" + rest)  # not ours (the prelude could not run): keep it all
