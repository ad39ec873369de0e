"""Where the plugin keeps extracted sources and wheelhouses between runs."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir(*parts: str) -> Path:
    """`$HARNESS_CACHE_DIR/cooperbench/...` (default `~/.cache/plugeval/cooperbench/...`)."""
    root = Path(os.environ.get("HARNESS_CACHE_DIR") or Path.home() / ".cache" / "plugeval")
    return root.joinpath("cooperbench", *parts)
