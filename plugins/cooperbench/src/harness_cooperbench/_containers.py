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
        self._runs = 0

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
        """Run a command; after `timeout` seconds its process is killed and `timed_out` is set.

        The command's output goes to files in the container, read back with the archive API: an
        attached exec stream was seen to lose a fast command's whole output under load.
        """
        api = self._client.api
        self._runs += 1
        where = f"/tmp/.cooperbench-exec-{self._runs}"
        redirect = 'd="$1"; w="$2"; shift 2; mkdir -p "$d" && cd "$w" && "$@" >"$d/out" 2>"$d/err"'
        wrapped = ["sh", "-c", redirect, "sh", where, workdir, "timeout", "--kill-after=10", str(timeout), *cmd]
        exec_id = api.exec_create(self._container.id, wrapped, stdout=False, stderr=False, user="root")
        api.exec_start(exec_id["Id"], detach=True)
        exit_code = _wait_for_exit(api, exec_id["Id"], timeout + 60)
        files = self._read_dir(where)
        return Completed(
            exit_code,
            files.get("out", b"").decode("utf-8", errors="replace"),
            files.get("err", b"").decode("utf-8", errors="replace"),
            timed_out=exit_code in (124, 137),
        )

    def _read_dir(self, path: str) -> dict[str, bytes]:
        """The files of a directory in the container, by name (one archive request)."""
        import docker.errors

        try:
            chunks, _ = self._container.get_archive(path)
        except docker.errors.NotFound:
            return {}
        found = {}
        with tarfile.open(fileobj=io.BytesIO(b"".join(chunks))) as tar:
            for member in tar.getmembers():
                handle = tar.extractfile(member) if member.isfile() else None
                if handle is not None:
                    found[posixpath.basename(member.name)] = handle.read()
        return found


def _wait_for_exit(api: Any, exec_id: str, limit: float) -> int:
    deadline, pause = time.monotonic() + limit, 0.005
    while time.monotonic() < deadline:
        info = api.exec_inspect(exec_id)
        if not info.get("Running") and info.get("ExitCode") is not None:
            return int(info["ExitCode"])
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
    raise SandboxError(f"an evaluation command ran past its timeout and was not stopped (exec {exec_id[:12]})")
