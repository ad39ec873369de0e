"""A disk limit the kernel enforces without a quota-capable driver: the writable layer on its own file system.

Docker's overlay2 keeps a container's writable layer in one directory (`.../overlay2/<layer>/`, with
`diff` the overlay's upper directory and `work` its work directory). Between `create` and `start`
the harness mounts a fresh ext4 file system of the limit's size there — a sparse file on a loop
device, carrying over the few entries docker put in the directory — so when the container starts,
overlayfs puts every write of the sample into it. A write past the limit then fails with ENOSPC
(the kernel refuses it, however fast the writer), and the host's disk grows by at most the file
system's size. Inside, `df /` shows the limit. When docker removes the container it unmounts what
lies beneath the layer directory (the loop device detaches with the last unmount); the harness
then deletes the sparse file.

Needs: a local engine on overlay2, root (to mount), `mkfs.ext4` and loop devices. Where any is
missing the disk watchdog holds the limit instead (`_disk.storage_mechanism`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.sandbox._engine import SandboxError

DISK_DIR_ENV = "PLUGEVAL_SANDBOX_DISK_DIR"
"""Where the sparse files live (default /var/lib/plugeval/sandbox-disks): on the host's disk, root only."""
_DEFAULT_DIR = "/var/lib/plugeval/sandbox-disks"
_BYTES_PER_INODE = 8192  # 256-byte inodes: 1/32 of the file system; a 3 GiB disk holds 393k files
_OVERHEAD = 8 * 1024**2  # group descriptors, bitmaps, root directory


def disk_dir() -> Path:
    """The directory of the sandboxes' sparse files."""
    return Path(os.environ.get(DISK_DIR_ENV) or _DEFAULT_DIR)


def loop_possible() -> bool:
    """Whether this process can give containers their own file systems (root, mkfs.ext4, loop devices)."""
    return (
        hasattr(os, "geteuid")
        and os.geteuid() == 0
        and shutil.which("mkfs.ext4") is not None
        and shutil.which("mount") is not None
        and os.path.exists("/dev/loop-control")
    )


def image_bytes(limit: int) -> int:
    """Size of the file system whose free space for data is `limit` (inode tables come on top)."""
    size = (limit + _OVERHEAD) * _BYTES_PER_INODE // (_BYTES_PER_INODE - 256)
    return -(-size // 1024**2) * 1024**2


@dataclass
class LoopDisk:
    """A container's writable layer on a file system of its own."""

    container_id: str
    layer_dir: Path
    image: Path

    def usage(self) -> tuple[int, int, int, int]:
        """(bytes used, bytes free, inodes used, inodes free) of the file system, from statvfs (microseconds).

        Raises:
            OSError: the file system is no longer mounted (the engine removed the container): statvfs
                would then describe the host's disk, and the watchdog would blame the sample for it.
        """
        if not self.mounted():
            raise OSError(f"the sandbox file system of {self.container_id[:12]} is no longer mounted")
        stat = os.statvfs(self.layer_dir)
        block = stat.f_frsize
        used = (stat.f_blocks - stat.f_bfree) * block
        return used, stat.f_bavail * block, stat.f_files - stat.f_ffree, stat.f_favail

    def mounted(self) -> bool:
        """Whether the file system is still mounted on the layer directory."""
        return os.path.ismount(self.layer_dir)

    def release(self) -> None:
        """After the container's removal: unmount if docker did not, and delete the sparse file."""
        if self.layer_dir.exists() and self.mounted():
            _quietly("umount", "--lazy", str(self.layer_dir))
        self.image.unlink(missing_ok=True)


def attach(api, container_id: str, limit: int) -> LoopDisk:
    """Mount a file system of `limit` bytes on a created (not yet started) container's writable layer.

    Raises:
        SandboxError: The layer is not overlay2 on this host, or mkfs/mount failed (the caller falls back).
    """
    info = api.inspect_container(container_id)
    graph = info.get("GraphDriver") or {}
    upper = (graph.get("Data") or {}).get("UpperDir")
    if graph.get("Name") != "overlay2" or not upper or not Path(upper).is_dir():
        raise SandboxError("the container's writable layer is not an overlay2 directory on this host")
    layer = Path(upper).parent
    directory = disk_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    image = directory / f"{container_id}.img"
    with open(image, "wb") as sparse:
        sparse.truncate(image_bytes(limit))
    try:
        _run("mkfs.ext4", "-q", "-F", "-O", "^has_journal", "-m", "0", "-i", str(_BYTES_PER_INODE),
             "-E", "lazy_itable_init=1,nodiscard", "-L", "plugeval", str(image))  # fmt: skip
        _mount_over(image, layer)
    except BaseException:
        image.unlink(missing_ok=True)
        raise
    return LoopDisk(container_id, layer, image)


def _mount_over(image: Path, layer: Path) -> None:
    """Mount `image` on `layer`, carrying over docker's entries (diff, work, link, lower) and its root's mode."""
    stage = Path(tempfile.mkdtemp(prefix="plugeval-layer-"))
    try:
        # noinit_itable: no background zeroing of inode tables, which would fill the sparse file
        _run("mount", "-o", "loop,noinit_itable,nodev,nosuid", str(image), str(stage))
        try:
            (stage / "lost+found").rmdir()
            for entry in layer.iterdir():
                _copy(entry, stage / entry.name)
            status = layer.stat()
            os.chown(stage, status.st_uid, status.st_gid)
            os.chmod(stage, status.st_mode & 0o7777)
            _run("mount", "--bind", str(stage), str(layer))
        finally:
            _quietly("umount", str(stage))
    finally:
        stage.rmdir()


def _copy(source: Path, target: Path) -> None:
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, target, symlinks=True, copy_function=shutil.copy2)
        for root, dirs, files in os.walk(source):
            for name in [*dirs, *files]:
                path = Path(root) / name
                status = path.lstat()
                os.lchown(target / path.relative_to(source), status.st_uid, status.st_gid)
    else:
        shutil.copy2(source, target, follow_symlinks=False)
    status = source.lstat()
    os.lchown(target, status.st_uid, status.st_gid)


def _run(*cmd: str) -> None:
    try:
        result = subprocess.run(list(cmd), capture_output=True, text=True)
    except OSError as ex:
        raise SandboxError(f"{cmd[0]} could not run: {ex}") from ex
    if result.returncode != 0:
        raise SandboxError(f"{cmd[0]} failed: {(result.stderr or result.stdout).strip()[-300:]}")


def _quietly(*cmd: str) -> None:
    try:
        subprocess.run(list(cmd), capture_output=True)
    except OSError:
        pass


def remove_orphan_images(live_ids: set[str]) -> list[Path]:
    """Delete sparse files whose container no longer exists (left by a killed run)."""
    directory = disk_dir()
    if not directory.is_dir():
        return []
    removed = []
    for image in directory.glob("*.img"):
        if image.stem not in live_ids:
            image.unlink(missing_ok=True)
            removed.append(image)
    return removed
