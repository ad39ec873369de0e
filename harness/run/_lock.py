"""One eval set per directory: a second `harness eval-set` on the same log_dir stops at once."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness._errors import HarnessError

LOCK_FILE = ".harness.lock"


class DirectoryBusy(HarnessError):
    """Another harness process is running an eval set in the same directory."""


@contextmanager
def directory_lock(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on `directory` (an flock, released when the process ends in any way).

    Raises:
        DirectoryBusy: Another process holds it; the message names its pid.
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOCK_FILE
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as ex:
            holder = os.pread(handle, 32, 0).decode(errors="replace").strip() or "another process"
            raise DirectoryBusy(
                f"an eval set is already running in {directory} (pid {holder}); wait for it to finish, "
                "or give this one another log_dir"
            ) from ex
        os.ftruncate(handle, 0)
        os.pwrite(handle, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(handle)  # closing releases the lock
