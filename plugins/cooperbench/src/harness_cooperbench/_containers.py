"""Throwaway evaluation containers from a task image: no network, limited, always removed.

The agents' containers come from the harness sandbox; the evaluator wants a *fresh* container per
merge and per test run (as CooperBench runs each in a new one), which the core's public API does
not offer, so this module runs them on the docker SDK directly.
"""

from __future__ import annotations

import atexit
import io
import os
import threading
import posixpath
import struct
import tarfile
import time
from typing import Any

from harness import SandboxError

from ._image import REPO_DIR
from ._shell import Completed

EVAL_LABEL = "plugeval.cooperbench.eval"
"""Label of every evaluation container (value: the owning process id); see the README for clean-up."""

_live: set[str] = set()
_live_lock = threading.Lock()


@atexit.register
def _remove_leftovers() -> None:
    """Remove this process's evaluation containers still running at exit (e.g. after Ctrl-C)."""
    with _live_lock:
        leftovers = list(_live)
    if not leftovers:
        return
    import docker

    client = docker.from_env()
    for container_id in leftovers:
        try:
            client.containers.get(container_id).remove(force=True)
        except Exception:  # noqa: BLE001 - best effort on the way out
            pass


class Container:
    """A started container from `image`, removed on `close()` (use it as a context manager)."""

    def __init__(self, image: str, *, memory: str = "2g", cpus: float = 1.0, pids_limit: int = 1024) -> None:
        import docker
        import docker.errors

        try:
            self._client = docker.from_env()
            self._container: Any = self._client.containers.run(
                image,
                ["sleep", "infinity"],
                detach=True,
                network_mode="none",
                mem_limit=memory,
                memswap_limit=memory,
                nano_cpus=int(cpus * 1e9),
                pids_limit=pids_limit,
                user="root",
                working_dir=REPO_DIR,
                labels={EVAL_LABEL: str(os.getpid())},
            )
        except docker.errors.DockerException as ex:
            raise SandboxError(f"cannot start an evaluation container from {image}: {ex}") from None
        with _live_lock:
            _live.add(self._container.id)

    def __enter__(self) -> Container:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the container (killing whatever still runs in it)."""
        import docker.errors

        try:
            self._container.remove(force=True)
        except docker.errors.NotFound:
            pass
        with _live_lock:
            _live.discard(self._container.id)

    def write(self, path: str, content: str | bytes) -> None:
        """Write a file (as root, mode 0644), creating nothing but the file itself."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            info = tarfile.TarInfo(posixpath.basename(path))
            info.size, info.mode, info.mtime = len(data), 0o644, int(time.time())
            tar.addfile(info, io.BytesIO(data))
        if not self._container.put_archive(posixpath.dirname(path), buffer.getvalue()):
            raise SandboxError(f"could not write {path} into the evaluation container")

    def run(self, cmd: list[str], *, timeout: int = 600, workdir: str = REPO_DIR) -> Completed:
        """Run a command; after `timeout` seconds its process is killed and `timed_out` is set."""
        api = self._client.api
        wrapped = ["timeout", "--kill-after=10", str(timeout), *cmd]
        exec_id = api.exec_create(self._container.id, wrapped, stdout=True, stderr=True, workdir=workdir, user="root")
        # read the multiplexed stream to its end ourselves, then ask for the exit code: the code
        # may be recorded a moment after the stream closes
        sock = api.exec_start(exec_id["Id"], socket=True)
        raw = getattr(sock, "_sock", sock)
        received = bytearray()
        try:
            while chunk := raw.recv(65536):
                received += chunk
        finally:
            sock.close()
        stdout, stderr = _demultiplex(bytes(received))
        exit_code = _exit_code(api, exec_id["Id"])
        return Completed(
            exit_code,
            stdout.decode("utf-8", errors="replace"),
            stderr.decode("utf-8", errors="replace"),
            timed_out=exit_code in (124, 137),
        )


def _demultiplex(data: bytes) -> tuple[bytes, bytes]:
    """Split Docker's stream (frames: 1-byte stream id, 3 pad bytes, 4-byte big-endian length, payload)."""
    streams = {1: bytearray(), 2: bytearray()}
    offset = 0
    while offset + 8 <= len(data):
        stream, length = struct.unpack(">BxxxL", data[offset : offset + 8])
        streams.setdefault(stream, bytearray()).extend(data[offset + 8 : offset + 8 + length])
        offset += 8 + length
    return bytes(streams[1]), bytes(streams[2])


def _exit_code(api: Any, exec_id: str) -> int:
    for _ in range(200):
        info = api.exec_inspect(exec_id)
        if not info.get("Running") and info.get("ExitCode") is not None:
            return int(info["ExitCode"])
        time.sleep(0.02)
    raise SandboxError(f"the evaluation container did not report the exit code of exec {exec_id[:12]}")
