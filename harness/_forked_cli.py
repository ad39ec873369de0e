"""`harness ARGS` as a new process forked from one that has imported harness and inspect-ai already.

A test suite that starts the real command hundreds of times spends most of each start importing
inspect-ai (about 2.5 CPU-seconds: its eval loop, OpenAI's types and the ACP schema). Here a server
process imports them once; every command is a fresh `fork` of it that then becomes `python -m
harness ARGS` with the caller's environment, working directory and `sys.path`, its output going to
files the caller passed over a Unix socket. The command is a real process, with its own pid, exit
status and process group, that ends through the interpreter's normal shutdown, so what a test
observes is what a user's process does; only the imports are shared.

Requests: one connection each, a length-prefixed JSON request with three file descriptors (stdin,
stdout, stderr). Replies: the command's pid, then its exit code (negative for a signal), one line
each. A monitor process per command waits for it, so the server never blocks and commands run in
parallel. The server exits when its parent closes its stdin.
"""

from __future__ import annotations

import atexit
import importlib
import json
import locale
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, NoReturn

# what every `harness eval` imports before its first sample (and `import_eval_runtime`, inspect's lazy imports)
_PRELOAD = (
    "harness.cli._main",
    "harness.cli._handlers",
    "harness.run._execute",
)
_MAX_REQUEST = 16 * 1024 * 1024


def available() -> bool:
    """Whether this platform can fork a pre-imported interpreter and pass it file descriptors."""
    return hasattr(os, "fork") and hasattr(socket, "send_fds") and hasattr(socket, "AF_UNIX")


def run(args: list[str], env: Mapping[str, str], cwd: str, timeout: float | None) -> subprocess.CompletedProcess[str]:
    """Run `harness ARGS` in a forked process; the same result (and TimeoutExpired) as subprocess.run."""
    return _server().run(args, dict(env), cwd, timeout)


_lock = threading.Lock()
_current: _Server | None = None


def _server() -> _Server:
    global _current
    with _lock:
        if _current is None or _current.owner != os.getpid() or not _current.alive():
            _current = _Server()
        return _current


class _Server:
    """The client's handle on one server process (started on first use, per client process)."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        self._directory = tempfile.mkdtemp(prefix="harness-forks-")
        self.address = os.path.join(self._directory, "socket")
        environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "harness._forked_cli", self.address],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment, cwd=self._directory,
        )  # fmt: skip
        ready = self._process.stdout.readline() if self._process.stdout else b""
        if ready.strip() != b"ready":
            self.close()
            raise RuntimeError(f"the harness fork server did not start (it said {ready!r})")
        atexit.register(self.close)

    def alive(self) -> bool:
        return self._process.poll() is None

    def close(self) -> None:
        if self.owner != os.getpid():
            return
        if self._process.stdin:
            self._process.stdin.close()  # the server's signal to exit
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
        shutil.rmtree(self._directory, ignore_errors=True)

    def run(
        self, args: list[str], env: dict[str, str], cwd: str, timeout: float | None
    ) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "harness", *args]
        request = json.dumps({"args": args, "env": env, "cwd": cwd}).encode()
        with (
            open(os.devnull, "rb") as stdin,
            tempfile.TemporaryFile() as stdout,
            tempfile.TemporaryFile() as stderr,
            socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection,
        ):
            connection.connect(self.address)
            socket.send_fds(connection, [len(request).to_bytes(8, "big") + request],
                            [stdin.fileno(), stdout.fileno(), stderr.fileno()])  # fmt: skip
            deadline = None if timeout is None else time.monotonic() + timeout
            replies = _Lines(connection)
            pid = int(replies.next(deadline))
            try:
                code = int(replies.next(deadline))
            except TimeoutError:
                _kill_group(pid)
                replies.next(None)  # the monitor reports the kill once the command is gone
                raise subprocess.TimeoutExpired(command, timeout or 0, _read(stdout), _read(stderr)) from None
            return subprocess.CompletedProcess(command, code, _read(stdout), _read(stderr))


class _Lines:
    """Newline-ended replies read from a socket, each within a deadline."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection
        self._buffer = b""

    def next(self, deadline: float | None) -> str:
        while b"\n" not in self._buffer:
            self._connection.settimeout(None if deadline is None else max(deadline - time.monotonic(), 0.001))
            try:
                chunk = self._connection.recv(4096)
            except socket.timeout:
                raise TimeoutError from None
            if not chunk:
                raise RuntimeError("the harness fork server closed the connection before the command ended")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode()


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)  # the command and every process it started (workers, sandboxes' CLIs)
    except ProcessLookupError:
        pass


def _read(file: IO[bytes]) -> str:
    file.seek(0)
    text = file.read().decode(locale.getpreferredencoding(False), errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")  # as subprocess.run(text=True) reads it


# --- The server -------------------------------------------------------------------------------------------------


def _serve(address: str) -> None:
    for module in _PRELOAD:
        importlib.import_module(module)
    from harness.run._inspect_call import import_eval_runtime

    import_eval_runtime()
    base_path = sys.path[1:]  # without the server's own directory; a command gets its cwd there
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(64)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # monitors are reaped by the kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C of the test run ends it through its stdin
    print("ready", flush=True)
    watched = selectors.DefaultSelector()
    watched.register(listener, selectors.EVENT_READ)
    watched.register(sys.stdin.fileno(), selectors.EVENT_READ)
    while True:
        for key, _ in watched.select():
            if key.fileobj != listener:
                if not os.read(sys.stdin.fileno(), 4096):
                    return  # the client is gone
                continue
            connection, _ = listener.accept()
            request, fds = _receive(connection)
            if os.fork() == 0:
                watched.close()
                listener.close()
                _monitor(connection, request, fds, base_path)
            connection.close()
            for fd in fds:
                os.close(fd)


def _receive(connection: socket.socket) -> tuple[dict, list[int]]:
    data, fds, _, _ = socket.recv_fds(connection, 65536, 3)
    size = int.from_bytes(data[:8], "big")
    if size > _MAX_REQUEST:
        raise ValueError(f"request of {size} bytes")
    body = data[8:]
    while len(body) < size:
        chunk = connection.recv(size - len(body))
        if not chunk:
            break
        body += chunk
    return json.loads(body), fds


def _monitor(connection: socket.socket, request: dict, fds: list[int], base_path: list[str]) -> None:
    """Start the command and report its pid and exit code; in the command's process, return into it."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    pid = os.fork()
    if pid == 0:
        connection.close()
        _become_command(request, fds, base_path)
        return  # the command's SystemExit ends this process through the interpreter's own shutdown
    try:
        for fd in fds:
            os.close(fd)
        connection.sendall(f"{pid}\n".encode())
        _, status = os.waitpid(pid, 0)
        connection.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
    finally:
        os._exit(0)


def _become_command(request: dict, fds: list[int], base_path: list[str]) -> NoReturn:
    os.setsid()  # its own process group, as the caller kills it (and what it started) on a timeout
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    for signum in (signal.SIGCHLD, signal.SIGINT):
        signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    extra = [entry for entry in request["env"].get("PYTHONPATH", "").split(os.pathsep) if entry]
    sys.path[:] = [os.getcwd(), *[os.path.abspath(entry) for entry in extra], *base_path]
    importlib.invalidate_caches()
    import runpy

    sys.argv = [str(Path(__file__).with_name("__main__.py")), *request["args"]]
    runpy.run_module("harness", run_name="__main__", alter_sys=True)
    sys.exit(0)


if __name__ == "__main__":
    _serve(sys.argv[1])
