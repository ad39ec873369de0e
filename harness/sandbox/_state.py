"""A fingerprint of everything in a container that outlives a sample's processes.

The pool hands a container to the next sample only when this fingerprint is what it was when the
container started, so a reused container is indistinguishable from a fresh one. Parts:

- the writable layer: every entry of the overlay upper directory with its mode, size, owner, mtime
  and ctime (ctime moves on any metadata change, so xattrs, chmod and hard links count too);
- the processes in the container's cgroup (their ids, not just their number);
- the container's /dev tree, where /dev/shm and /dev/mqueue are mounted (tmpfs and mqueue, not in
  the writable layer), read through /proc/PID/root;
- SysV shared memory, message queues and semaphores, read from /proc/sysvipc in the container's
  IPC namespace (a short-lived thread joins it with setns);
- /etc/hosts, /etc/hostname and /etc/resolv.conf, which docker bind-mounts from host files.

All of it is read on the host in about a millisecond; no command runs in the container. When the
host cannot see a part (a remote or rootless engine), there is no probe and containers are not
reused (the pool still starts them ahead of time).
"""

from __future__ import annotations

import ctypes
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.sandbox._freezer import procs_file as find_procs_file

_CLONE_NEWIPC = 0x08000000
_SYSV_TABLES = ("shm", "msg", "sem")

Fingerprint = tuple[Any, ...]


@dataclass(frozen=True)
class StateProbe:
    """Host paths that show one container's state."""

    container_id: str
    upper_dir: Path
    procs_file: Path
    root: Path
    ipc_namespace: Path
    host_files: tuple[Path, ...]

    @classmethod
    def for_container(cls, api, container_id: str) -> StateProbe | None:
        """The probe for a running container, or None when the host cannot see all of its state."""
        info = api.inspect_container(container_id)
        upper = (info.get("GraphDriver") or {}).get("Data", {}).get("UpperDir")
        pid = (info.get("State") or {}).get("Pid")
        procs_file = find_procs_file(container_id)
        if not upper or not pid or procs_file is None or not os.access(upper, os.R_OK | os.X_OK):
            return None
        host_files = tuple(Path(info[key]) for key in ("HostsPath", "HostnamePath", "ResolvConfPath") if info.get(key))
        process = Path(f"/proc/{pid}")
        probe = cls(container_id, Path(upper), procs_file, process / "root", process / "ns" / "ipc", host_files)
        try:
            probe.fingerprint()
        except OSError:
            return None
        return probe

    def fingerprint(self) -> Fingerprint:
        """Equal fingerprints mean nothing was left behind; raises OSError when a part cannot be read."""
        return (
            _tree(self.upper_dir),
            frozenset(self.procs_file.read_text().split()),
            _tree(self.root / "dev"),
            _sysv_ipc(self.ipc_namespace),
            tuple(_entry(path) for path in self.host_files),
        )


def _entry(path: Path | str) -> tuple[Any, ...]:
    stat = os.lstat(path)
    return (str(path), stat.st_mode, stat.st_size, stat.st_uid, stat.st_gid, stat.st_mtime_ns, stat.st_ctime_ns)


def _tree(top: Path) -> frozenset:
    entries = [_entry(top)]
    for root, dirs, files in os.walk(top, onerror=_raise):
        entries.extend(_entry(os.path.join(root, name)) for name in dirs + files)
    return frozenset(entries)


def _raise(error: OSError) -> None:
    raise error


_libc: Any = None


def _sysv_ipc(namespace: Path) -> tuple[str, ...]:
    """The SysV IPC tables of `namespace`, read by a thread that joins it and then ends."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    result: list[Any] = []

    def read() -> None:
        try:
            fd = os.open(namespace, os.O_RDONLY)
            try:
                if _libc.setns(fd, _CLONE_NEWIPC) != 0:
                    raise OSError(ctypes.get_errno(), "setns into the container's IPC namespace failed")
            finally:
                os.close(fd)
            # this thread is now in the container's IPC namespace for good; it ends right after
            result.append(tuple(Path(f"/proc/sysvipc/{table}").read_text() for table in _SYSV_TABLES))
        except OSError as ex:
            result.append(ex)

    thread = threading.Thread(target=read, name="plugeval-ipc-probe", daemon=True)
    thread.start()
    thread.join()
    if isinstance(result[0], OSError):
        raise result[0]
    return result[0]
