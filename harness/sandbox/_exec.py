"""Running one command in a container over the Docker API, with stdin, a timeout and output caps."""

from __future__ import annotations

import select
import socket
import struct
import threading
import time
from dataclasses import dataclass

TIMEOUT_BINARY = "/usr/bin/timeout"
START_PREFIX = b"plugeval-exec-start "
# Put ahead of a command that may have to be killed: prints the pid and start time of its first
# process (which then becomes the command: same pid) as the first line on stderr, where the reader
# takes it off again. `_reap` needs both to find what the command started.
_PRELUDE = (
    'f() { shift 19; echo "' + START_PREFIX.decode() + '$$ $1" >&2; }; '
    "read -r s < /proc/$$/stat; f ${s##*) }; "
    'exec "$@"'
)
_KILL_GRACE_SECONDS = 2
_DRAIN_SECONDS = 10


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
    stdout_limit: int | None = None,
    can_timeout_in_container: bool = True,
) -> ExecOutcome:
    """Run `cmd` in the container and wait for it (blocking; call from a worker thread).

    A timeout is enforced inside the container by coreutils `timeout` (TERM to the process group,
    KILL after a grace period); once it has acted, or when the image has no `timeout`, everything
    the command started is killed, including children that left its process group or session
    (`_reap.kill_command_tree`). Beyond `max_output` a stream keeps its most recent bytes; beyond
    `stdout_limit` reading stops at once and the command is killed, so no more than that is held.
    """
    from harness.sandbox._reap import kill_command_tree

    killable = timeout is not None or stdout_limit is not None
    wrapped = list(cmd)
    if timeout is not None and can_timeout_in_container:
        wrapped = [TIMEOUT_BINARY, f"--kill-after={_KILL_GRACE_SECONDS}", str(timeout), *cmd]
    if killable:
        wrapped = ["/bin/sh", "-c", _PRELUDE, "sh", *wrapped]
    started = time.monotonic()
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
    sock = api.exec_start(exec_id, socket=True)
    raw = getattr(sock, "_sock", sock)
    reader = _FrameReader(raw, max_output, stdout_limit, expect_start=killable)
    sender = _start_sender(raw, input)

    def sweep(orphans: bool) -> None:
        if reader.started is not None:  # else the command never began: nothing to kill
            kill_command_tree(api, container_id, reader.started, orphans)

    swept = False
    try:
        if timeout is None:
            closed = reader.read(None)
        else:
            # the wrapper signals at `timeout`; the stream may stay open after it if something the
            # command started still holds stdout, so look at the wrapper itself from then on
            grace = _KILL_GRACE_SECONDS + 1 if can_timeout_in_container else 0
            closed = reader.read(started + timeout + (0.5 if can_timeout_in_container else 0))
            while not closed and time.monotonic() < started + timeout + grace and _running(api, exec_id):
                closed = reader.read(min(started + timeout + grace, time.monotonic() + 0.25))
            if not closed:
                sweep(orphans=True)
                swept = True
                closed = reader.read(time.monotonic() + _DRAIN_SECONDS)
        if reader.over_limit:
            sweep(orphans=False)
    finally:
        sock.close()
        if sender is not None:
            sender.join(timeout=5)
    seconds = time.monotonic() - started
    stdout, stderr = bytes(reader.buffers[1]), bytes(reader.buffers[2])
    if reader.over_limit:
        return ExecOutcome(137, stdout, stderr, False, True, seconds, over_limit=True)
    if swept:
        info = api.exec_inspect(exec_id)
        finished = not info.get("Running") and info.get("ExitCode") is not None
        return ExecOutcome(int(info["ExitCode"]) if finished else 137, stdout, stderr, True, reader.truncated, seconds)
    returncode = _exit_code(api, exec_id)
    timed_out = timeout is not None and returncode in (124, 137) and seconds >= timeout - 0.5
    if timed_out:
        sweep(orphans=True)  # children that let go of stdout outlive the wrapper's group kill
    return ExecOutcome(returncode, stdout, stderr, timed_out, reader.truncated, seconds)


def _running(api, exec_id: str) -> bool:
    return bool(api.exec_inspect(exec_id).get("Running"))


def _exit_code(api, exec_id: str) -> int:
    # the stream can close a moment before the daemon records the exit code
    for _ in range(50):
        info = api.exec_inspect(exec_id)
        if not info.get("Running") and info.get("ExitCode") is not None:
            return int(info["ExitCode"])
        time.sleep(0.01)
    return int(api.exec_inspect(exec_id).get("ExitCode") or 1)


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


class _FrameReader:
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
            buffered = getattr(self.raw, "pending", lambda: 0)()  # TLS: bytes already decrypted
            if until is not None and not buffered:
                remaining = until - time.monotonic()
                if remaining <= 0 or not select.select([self.raw], [], [], remaining)[0]:
                    return False
            try:
                chunk = self.raw.recv(65536)
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



def refused_to_execute(outcome: ExecOutcome, cmd: list[str]) -> bool:
    """Whether exit 126 is the runtime (or the timeout wrapper) refusing to execute `cmd[0]` (EACCES).

    Only a single line in docker's or coreutils' own wording counts: a shell reporting the same
    about a script the command ran is an ordinary result.
    """
    if outcome.returncode != 126 or not cmd or (outcome.stdout.strip() and outcome.stderr.strip()):
        return False
    lines = (outcome.stdout or outcome.stderr).decode(errors="replace").strip().splitlines()
    if len(lines) != 1 or "permission denied" not in lines[0].lower():
        return False
    line = lines[0]
    if line.lower().startswith("oci runtime exec failed"):
        return f'exec: "{cmd[0]}": permission denied' in line
    return line.startswith(("timeout: ", f"{TIMEOUT_BINARY}: ")) and f"\u2018{cmd[0]}\u2019:" in line
