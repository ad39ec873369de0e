"""Reading and writing files in a container as the sandbox user, streamed through `docker exec`.

Both go through a short sh script run as the sample's user, so the kernel checks every permission
when the file is opened — nothing runs as root on a path the agent controls (a root-side archive
copy can be raced into following a symlink to a root-only file or directory). A read opens the
file once, checks what it opened (via /proc/self/fd, so the check and the read are the same file),
and streams at most the cap plus one byte; the host stops reading there too.
"""

from __future__ import annotations

import errno

from harness.sandbox._exec import ExecOutcome, run_exec

# exit codes of the scripts below, mapped to the exceptions inspect's API promises
_NOT_FOUND, _DENIED, _NOT_DIR, _IS_DIR, _NOT_REGULAR, _TOO_BIG = 2, 13, 20, 21, 22, 27
_FILE_SIZE_SIGNAL = 128 + 25  # SIGXFSZ: the file size limit (the sandbox's disk limit) was reached
_READ_SECONDS = 300  # a path swapped for a FIFO would block the open forever

# `true`, not `:`, to test-open a path: a failed redirection of a special builtin exits the shell
_WRITE = r"""
f=$1; d=$2
[ -d "$f" ] && exit 21
if [ ! -d "$d" ]; then
  mkdir -p -- "$d" 2>/dev/null || { [ -e "$d" ] && exit 20; exit 13; }
fi
if ! true 2>/dev/null >"$f"; then
  [ -d "$f" ] && exit 21
  exit 13
fi
cat >"$f" || { rc=$?; rm -f -- "$f"; exit $rc; }
"""

_READ = r"""
f=$1; max=$2
[ -d "$f" ] && exit 21
[ -p "$f" ] && exit 22
if ! true 2>/dev/null <"$f"; then
  [ -e "$f" ] || exit 2
  exit 13
fi
exec 3<"$f"
[ -d /proc/$$/fd/3 ] && exit 21
[ -f /proc/$$/fd/3 ] || exit 22
size=$(stat -L -c %s /proc/$$/fd/3 2>/dev/null) && [ "$size" -gt "$max" ] && exit 27
exec head -c $((max + 1)) <&3
"""


class FileTooLargeToRead(Exception):
    """The file is larger than the read cap (the caller raises inspect's limit error)."""


def write_file(api, container_id: str, path: str, data: bytes, user: str | None) -> None:
    """Write `data` to absolute `path` as `user`, creating parent directories."""
    parent = path.rsplit("/", 1)[0] or "/"
    result = run_exec(api, container_id, ["/bin/sh", "-c", _WRITE, "write", path, parent], input=data, user=user)
    if result.returncode == _FILE_SIZE_SIGNAL:
        raise OSError(errno.EFBIG, "File too large: the sandbox's disk limit was reached", path)
    if result.returncode != 0 and b"No space left" in result.stderr:
        raise OSError(errno.ENOSPC, "No space left on device: the sandbox's disk limit was reached", path)
    _raise_for(result, path)


def read_file(api, container_id: str, path: str, user: str | None, max_size: int) -> bytes:
    """Read the regular file at absolute `path` (symlinks followed) as `user`, at most `max_size` bytes.

    Raises `FileTooLargeToRead` past `max_size`, without holding more than that in memory.
    """
    result = run_exec(
        api,
        container_id,
        ["/bin/sh", "-c", _READ, "read", path, str(max_size)],
        user=user,
        timeout=_READ_SECONDS,
        max_output=max_size + 1,
        stdout_limit=max_size + 1,
    )
    if result.over_limit or result.returncode == _TOO_BIG or len(result.stdout) > max_size:
        raise FileTooLargeToRead(path)
    if result.timed_out:
        raise TimeoutError(f"reading {path} in the sandbox did not finish in {_READ_SECONDS} s (is it a FIFO?)")
    _raise_for(result, path)
    return result.stdout


def _raise_for(result: ExecOutcome, path: str) -> None:
    code = result.returncode
    if code == 0:
        return
    if code == _NOT_FOUND:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
    if code == _IS_DIR:
        raise IsADirectoryError(errno.EISDIR, "Is a directory", path)
    if code == _DENIED:
        raise PermissionError(errno.EACCES, "Permission denied", path)
    if code == _NOT_DIR:
        raise NotADirectoryError(errno.ENOTDIR, "A parent of the path is not a directory", path)
    if code == _NOT_REGULAR:
        raise OSError(errno.EINVAL, "Not a regular file", path)
    detail = result.stderr.decode(errors="replace").strip()[-300:]
    raise OSError(f"sandbox file operation on {path} failed (exit {code}): {detail}")
