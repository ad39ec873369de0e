"""`harness cache info|clear`: what the plugeval cache holds, and emptying it."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from harness._cache import CACHE_ENV, cache_dir
from harness._errors import ConfigError
from harness.cli._spec import Command, arg


def _info(args: argparse.Namespace) -> int:
    root = cache_dir()
    entries = sorted(root.iterdir()) if root.is_dir() else []
    total = sum(_size(e) for e in entries)
    print(f"cache: {root}  ({_human(total)})")
    for entry in entries:
        print(f"  {entry.name:<30} {_human(_size(entry)):>10}")
    if not entries:
        print("  (empty)")
    return 0


def _clear(args: argparse.Namespace) -> int:
    root = cache_dir()
    if args.entry:
        target = root / args.entry
        if Path(args.entry).name != args.entry or not target.exists():
            known = ", ".join(sorted(e.name for e in root.iterdir())) if root.is_dir() else "none"
            raise ConfigError(f"no cache entry '{args.entry}' in {root}; entries: {known}")
        targets = [target]
    else:
        targets = sorted(root.iterdir()) if root.is_dir() else []
    freed = sum(_size(t) for t in targets)
    for target in targets:
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink()
    print(f"removed {len(targets)} entr{'y' if len(targets) == 1 else 'ies'} from {root}, {_human(freed)} freed")
    return 0


def _size(path: Path) -> int:
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def _human(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


CACHE = Command(
    "cache",
    help="show or empty the plugeval cache",
    description=f"The cache holds plugin summaries, assembled local models and plugins' build files "
    f"(wheelhouses, image contexts). It lives in ${CACHE_ENV} when set, else the user cache directory.",
    examples=(
        ("harness cache info", "where the cache is and what each entry weighs"),
        ("harness cache clear models", "remove one entry"),
        ("harness cache clear", "remove everything"),
    ),
    actions=(
        Command(
            "info",
            help="print the cache directory and the size of each entry",
            description="Print the cache directory and the size of each top-level entry.",
            examples=(("harness cache info", ""),),
            handler=_info,
        ),
        Command(
            "clear",
            help="remove the cache (or one entry of it)",
            description="Remove the whole cache, or one top-level entry of it.",
            examples=(("harness cache clear", "everything"), ("harness cache clear models", "one entry")),
            args=(arg("entry", nargs="?", help="one top-level entry, e.g. models (default: everything)"),),
            handler=_clear,
        ),
    ),
)
"""`harness cache info|clear`."""
