"""Where the plugin keeps extracted sources, build contexts, wheelhouses and gold-run results."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir(*parts: str) -> Path:
    """`$HARNESS_CACHE_DIR/ambig-swe/...`, else `$XDG_CACHE_HOME/plugeval/ambig-swe/...` (default `~/.cache`)."""
    root = os.environ.get("HARNESS_CACHE_DIR")
    if root:
        base = Path(root)
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "plugeval"
    return base.joinpath("ambig-swe", *parts)
