"""The disk limit: which mechanism holds it, and how a sample's disk use is measured.

`quota`: Docker's storage quota (`storage_opt size=`) where the driver has one (overlay2 on xfs
mounted with `pquota`, btrfs, zfs): a write past the limit fails with ENOSPC.

`loop` (overlay2 elsewhere, e.g. on ext4, with a local engine and a root harness): each container's
writable layer is a file system of the limit's size (`_loopdisk`): the kernel refuses a write past
it with ENOSPC, whatever the write rate.

`watchdog` (anything else: a remote engine, a harness without root): every process in the
container has the limit as its file-size rlimit (`RLIMIT_FSIZE`, a docker ulimit inherited by every
exec), so one file cannot pass it (EFBIG); and the watchdog (`_watchdog`) sums what the sample
added to the writable layer — each file charged at least one 4 KiB block, so a flood of empty files
counts too — often enough that a writer at `ASSUMED_WRITE_RATE` cannot pass the limit by more than
10% between two looks, freezing the container while it counts when counting is too slow for that.

With `loop` and `watchdog`, a sample whose disk is full (or past the limit plus 1 MiB of slack)
has its container killed and removed, and its sandbox calls raise `SandboxError`.
`PLUGEVAL_SANDBOX_DISK_MECHANISM=quota|loop|watchdog` forces one.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from harness.sandbox._engine import SandboxError, docker_client
from harness.sandbox._loopdisk import LoopDisk, loop_possible

DISK_LABEL = "plugeval.disk"
"""Container label naming the disk-limit mechanism in force: quota, loop, watchdog or none."""
MECHANISM_ENV = "PLUGEVAL_SANDBOX_DISK_MECHANISM"
MECHANISMS = ("quota", "loop", "watchdog")
SLACK_BYTES = 1024**2
_BLOCK = 4096
_QUOTA_DRIVERS = {"btrfs", "zfs"}

_mechanism: str | None = None
_mechanism_lock = threading.Lock()


def storage_mechanism() -> str:
    """The disk-limit mechanism for new containers: `quota`, `loop` or `watchdog` (see the module doc)."""
    global _mechanism
    forced = os.environ.get(MECHANISM_ENV, "").strip().lower()
    if forced:
        if forced not in MECHANISMS:
            raise SandboxError(f"{MECHANISM_ENV}={forced!r}: choose one of {', '.join(MECHANISMS)}")
        return forced
    with _mechanism_lock:
        if _mechanism is None:
            _mechanism = _detect()
        return _mechanism


def _detect() -> str:
    info = docker_client().info()
    driver = info.get("Driver", "")
    backing = dict(info.get("DriverStatus") or []).get("Backing Filesystem", "")
    if driver in _QUOTA_DRIVERS or (driver == "overlay2" and backing == "xfs"):
        return "quota"
    root = Path(info.get("DockerRootDir") or "/var/lib/docker")
    if driver == "overlay2" and (root / "overlay2").is_dir() and loop_possible():
        return "loop"
    return "watchdog"


def fall_back(from_mechanism: str) -> str:
    """The next mechanism after one that failed for a container (quota refused, a mount that failed)."""
    global _mechanism
    if from_mechanism == "quota" and not os.environ.get(MECHANISM_ENV):
        with _mechanism_lock:
            _mechanism = _detect_without_quota()
        return _mechanism
    return "watchdog"


def _detect_without_quota() -> str:
    root = Path(docker_client().info().get("DockerRootDir") or "/var/lib/docker")
    return "loop" if (root / "overlay2").is_dir() and loop_possible() else "watchdog"


def quota_refused(error: BaseException) -> bool:
    """Whether a container create failed because the driver refused `storage_opt` (then fall back)."""
    text = str(getattr(error, "explanation", "") or error).lower()
    return "storage-opt" in text or "storage opt" in text or "quota" in text


class LayerMeter:
    """What a sample added to a container's writable layer, in bytes, by summing it (the watchdog's meter)."""

    cheap = False

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

    def exhausted(self) -> bool:
        """A summed layer has no capacity of its own: only the limit ends it."""
        return False


class LoopMeter:
    """What a sample added to a container's own file system (`loop`), read from statvfs in microseconds."""

    cheap = True

    def __init__(self, disk: LoopDisk) -> None:
        self.disk = disk
        self.container_id = disk.container_id
        used, _, files, _ = disk.usage()
        self.baseline, self.baseline_files = used, files

    def added(self, stop_above: int | None = None) -> int:
        """Bytes the file system holds beyond what it held when the container started."""
        return self.disk.usage()[0] - self.baseline

    def files(self) -> int:
        """Files and directories beyond those at the start."""
        return self.disk.usage()[2] - self.baseline_files

    def exhausted(self) -> bool:
        """Whether the kernel has started refusing writes: less than the slack free, or no inode left."""
        _, free, _, inodes_free = self.disk.usage()
        return free < SLACK_BYTES or inodes_free == 0


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
