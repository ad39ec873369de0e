"""The disk limit: Docker's storage quota where the storage driver has one, else a watchdog.

`quota`: containers get `storage_opt size=`, and a write past the limit fails inside the sandbox
with ENOSPC. Docker supports it on overlay2 over xfs mounted with `pquota`, btrfs and zfs.

`watchdog` (overlay2 on ext4, and any driver without quotas): every process in the container has
the limit as its file-size rlimit (`RLIMIT_FSIZE`, a docker ulimit inherited by every exec), so one
file cannot pass it (EFBIG); and a watchdog thread sums what the sample added to the writable layer
— each file charged at least one 4 KiB block, so a flood of empty files counts too — polling more
often as the total nears the limit. Past the limit plus 1 MiB of slack for file-system metadata,
the container is killed and removed and the sample's sandbox calls raise `SandboxError`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.sandbox._engine import docker_client

DISK_LABEL = "plugeval.disk"
"""Container label naming the disk-limit mechanism in force: quota, watchdog or none."""
SLACK_BYTES = 1024**2
_BLOCK = 4096
_ASSUMED_WRITE_RATE = 4 * 1024**3  # bytes/s a sandbox might write; sets how often to look
_MIN_INTERVAL, _MAX_INTERVAL, _MAX_SCAN_INTERVAL = 0.02, 1.0, 10.0
_QUOTA_DRIVERS = {"btrfs", "zfs"}

_mechanism: str | None = None
_mechanism_lock = threading.Lock()


def storage_mechanism() -> str:
    """`quota` when the engine's storage driver can limit a container's writable layer, else `watchdog`."""
    global _mechanism
    with _mechanism_lock:
        if _mechanism is None:
            info = docker_client().info()
            driver = info.get("Driver", "")
            backing = dict(info.get("DriverStatus") or []).get("Backing Filesystem", "")
            quota = driver in _QUOTA_DRIVERS or (driver == "overlay2" and backing == "xfs")
            _mechanism = "quota" if quota else "watchdog"
        return _mechanism


def quota_refused(error: BaseException) -> bool:
    """Whether a container create failed because the driver refused `storage_opt` (then fall back)."""
    global _mechanism
    text = str(getattr(error, "explanation", "") or error).lower()
    if "storage-opt" in text or "storage opt" in text or "quota" in text:
        with _mechanism_lock:
            _mechanism = "watchdog"
        return True
    return False


class LayerMeter:
    """What a sample added to a container's writable layer, in bytes."""

    def __init__(self, container_id: str, upper_dir: Path | None) -> None:
        self.container_id = container_id
        self.upper_dir = upper_dir
        self.baseline = 0
        self.baseline = self.added()

    def added(self, stop_above: int | None = None) -> int:
        """Bytes used beyond the baseline; counting may stop early once past `stop_above`."""
        if self.upper_dir is None:  # a remote engine: ask docker (slower: it walks the layer itself)
            used = int(docker_client().api.inspect_container(self.container_id, size=True).get("SizeRw") or 0)
            return used - self.baseline
        limit = None if stop_above is None else stop_above + self.baseline
        return _usage(self.upper_dir, limit) - self.baseline


def _usage(top: Path, stop_above: int | None) -> int:
    total = 0
    stack = [str(top)]
    while stack:
        try:
            entries = os.scandir(stack.pop())
        except OSError:
            continue  # removed while we looked
        with entries:
            for entry in entries:
                try:
                    stat = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                total += max(stat.st_blocks * 512, _BLOCK)
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
        if stop_above is not None and total > stop_above:
            break
    return total


@dataclass
class _Watched:
    meter: LayerMeter
    limit: int
    on_exceeded: Callable[[int], None]
    next_look: float = 0.0


class DiskWatchdog:
    """One thread that polls the writable layers of the containers samples are using."""

    def __init__(self) -> None:
        self._watched: dict[str, _Watched] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, meter: LayerMeter, limit: int, on_exceeded: Callable[[int], None]) -> None:
        """Call `on_exceeded(bytes_used)` (once, from the watchdog thread) when `meter` passes `limit` + slack."""
        with self._lock:
            self._watched[meter.container_id] = _Watched(meter, limit, on_exceeded)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="plugeval-disk-watchdog", daemon=True)
                self._thread.start()
        self._wake.set()

    def unwatch(self, container_id: str) -> None:
        """Stop watching a container (the sample released it)."""
        with self._lock:
            self._watched.pop(container_id, None)

    def _run(self) -> None:
        while True:
            with self._lock:
                due = [(cid, w) for cid, w in self._watched.items() if w.next_look <= time.monotonic()]
                idle = not self._watched
            for container_id, watched in due:
                self._look(container_id, watched)
            with self._lock:
                upcoming = min((w.next_look for w in self._watched.values()), default=time.monotonic() + 5)
            # a new container wakes the thread at once: it is looked at before it can fill much
            self._wake.wait(5 if idle else max(0.0, min(upcoming - time.monotonic(), _MAX_INTERVAL)))
            self._wake.clear()

    def _look(self, container_id: str, watched: _Watched) -> None:
        began = time.monotonic()
        try:
            used = watched.meter.added(stop_above=watched.limit + SLACK_BYTES)
        except Exception:
            used = 0  # the container is going away; the next look (or the unwatch) settles it
        scan = time.monotonic() - began
        if used > watched.limit + SLACK_BYTES:
            with self._lock:
                if self._watched.pop(container_id, None) is None:
                    return
            watched.on_exceeded(used)
            return
        # at the assumed write rate, the earliest the remaining headroom could be used up
        headroom = watched.limit + SLACK_BYTES - used
        interval = min(max(headroom / _ASSUMED_WRITE_RATE, _MIN_INTERVAL), _MAX_INTERVAL)
        # a layer with very many files takes a while to sum: keep the watchdog's share of a core small
        interval = max(interval, min(4 * scan, _MAX_SCAN_INTERVAL))
        if watched.meter.upper_dir is None:
            interval = max(interval, 2.0)  # asking docker for the size is expensive
        watched.next_look = time.monotonic() + interval


watchdog = DiskWatchdog()
"""The process's watchdog."""
