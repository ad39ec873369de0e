"""The one cache directory of plugeval and its plugins: summaries, assembled models, images' wheelhouses."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

CACHE_ENV = "HARNESS_CACHE_DIR"
"""Environment variable that moves the whole cache (e.g. onto a CI cache volume)."""


def cache_dir(*parts: str) -> Path:
    """The plugeval cache directory, or a directory inside it (not created).

    `$HARNESS_CACHE_DIR` when set, else the platform's user cache directory for `plugeval`
    (platformdirs: `$XDG_CACHE_HOME/plugeval`, by default `~/.cache/plugeval`, on Linux).
    Plugins keep their files under their own name, e.g. `cache_dir("cooperbench", "wheels")`.

    Args:
        parts: Path components below the cache root.
    """
    root = os.environ.get(CACHE_ENV)
    if root:
        base = Path(root).expanduser()
    else:
        from platformdirs import user_cache_path

        base = user_cache_path("plugeval", appauthor=False)
    return base.joinpath(*parts)


class StampedCache:
    """A JSON file of entries, each valid while the source files it was computed from are unchanged.

    An entry stores its value with the (mtime, size) stamp of every file read to compute it;
    `get` returns the value only while every one of those files still has its stamp. The file
    lives in the plugeval cache directory; an unreadable or unwritable cache is ignored (the
    values are computed again), so a cache can never make a command fail.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._changed = False
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = {}
        self._entries: dict[str, Any] = entries if isinstance(entries, dict) else {}

    def get(self, key: str, *, version: str | None = None) -> Any:
        """The value stored under `key`, or None when absent, of another `version`, or stale."""
        entry = self._entries.get(key)
        if not isinstance(entry, dict) or entry.get("version") != version:
            return None
        files = entry.get("files")
        if not isinstance(files, dict) or not files:
            return None
        if any(file_stamp(source) != stamp for source, stamp in files.items()):
            return None
        return entry.get("value")

    def put(self, key: str, value: Any, sources: list[str], *, version: str | None = None) -> None:
        """Store `value` under `key`, valid while every file of `sources` is unchanged.

        Nothing is stored when there are no sources or one of them cannot be read: such a
        value could never be shown to be fresh.
        """
        files = {source: file_stamp(source) for source in sources}
        if files and all(files.values()):
            self._entries[key] = {"version": version, "files": files, "value": value}
            self._changed = True

    def save(self) -> None:
        """Write the file if anything was stored (atomically: readers never see half a file)."""
        if not self._changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(self._entries), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            pass
        self._changed = False


def file_stamp(source: str) -> list[int] | None:
    """A file's (modification time in ns, size), or None when it cannot be read."""
    try:
        status = os.stat(source)
    except OSError:
        return None
    return [status.st_mtime_ns, status.st_size]
