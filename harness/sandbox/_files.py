"""Copying files in and out of a container with tar archives (any size, text or bytes)."""

from __future__ import annotations

import io
import posixpath
import tarfile
import time

from harness.sandbox._exec import run_exec

# exit codes of the check scripts below, mapped to the exceptions inspect's API promises
_NOT_FOUND, _IS_DIR, _DENIED = 2, 21, 13

_WRITE_CHECK = (
    'if [ -d "$1" ]; then exit 21; fi; '
    'mkdir -p "$2" 2>/dev/null || exit 13; '
    'if [ -e "$1" ] && [ ! -w "$1" ]; then exit 13; fi; '
    'if [ ! -e "$1" ] && [ ! -w "$2" ]; then exit 13; fi; '
    "id -u; id -g"
)
_READ_CHECK = (
    'if [ ! -e "$1" ]; then exit 2; fi; '
    'if [ -d "$1" ]; then exit 21; fi; '
    'if [ ! -r "$1" ]; then exit 13; fi; '
    'readlink -f "$1"'
)


def write_file(api, container_id: str, path: str, data: bytes, user: str | None) -> None:
    """Write `data` to absolute `path`, creating parent directories, owned by `user`."""
    parent = posixpath.dirname(path) or "/"
    check = run_exec(api, container_id, ["/bin/sh", "-c", _WRITE_CHECK, "sh", path, parent], user=user)
    _raise_for(check.returncode, path, check.stderr)
    uid, gid = (int(x) for x in check.stdout.split()[:2])
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo(posixpath.basename(path))
        info.size = len(data)
        info.mode = 0o644
        info.uid, info.gid = uid, gid
        info.mtime = int(time.time())
        tar.addfile(info, io.BytesIO(data))
    api.put_archive(container_id, parent, buffer.getvalue())


def read_file(api, container_id: str, path: str, user: str | None, max_size: int) -> bytes:
    """Read the file at absolute `path` (symlinks followed) as bytes."""
    from inspect_ai.util import OutputLimitExceededError

    check = run_exec(api, container_id, ["/bin/sh", "-c", _READ_CHECK, "sh", path], user=user)
    _raise_for(check.returncode, path, check.stderr)
    resolved = check.stdout.decode().strip() or path
    stream, stat = api.get_archive(container_id, resolved)
    if stat.get("size", 0) > max_size:
        raise OutputLimitExceededError(limit_str=f"{max_size} bytes", truncated_output=None)
    archive = io.BytesIO(b"".join(stream))
    with tarfile.open(fileobj=archive, mode="r") as tar:
        member = tar.next()
        extracted = tar.extractfile(member) if member is not None else None
        if extracted is None:
            raise IsADirectoryError(f"{path} is not a regular file")
        return extracted.read()


def _raise_for(returncode: int, path: str, stderr: bytes) -> None:
    if returncode == 0:
        return
    if returncode == _NOT_FOUND:
        raise FileNotFoundError(f"No such file in the sandbox: {path}")
    if returncode == _IS_DIR:
        raise IsADirectoryError(f"{path} is a directory")
    if returncode == _DENIED:
        raise PermissionError(f"Permission denied in the sandbox: {path}")
    raise OSError(f"sandbox file check for {path} failed (exit {returncode}): {stderr.decode(errors='replace')}")
