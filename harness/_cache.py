"""The one cache directory of plugeval and its plugins: summaries, assembled models, images' wheelhouses."""

from __future__ import annotations

import os
from pathlib import Path

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
