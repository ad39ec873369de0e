"""`harness cache info|clear`: what the plugeval cache holds, and emptying it."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from harness._cache import CACHE_ENV, cache_dir
from harness._errors import ConfigError


def add_cache_commands(commands: argparse._SubParsersAction) -> None:
    cache = commands.add_parser(
        "cache",
        help="show or empty the plugeval cache",
        description=f"The cache holds plugin summaries, assembled local models and plugins' build files "
        f"(wheelhouses, image contexts). It lives in ${CACHE_ENV} when set, else the user cache directory.",
    )
    actions = cache.add_subparsers(dest="cache_command", metavar="ACTION", required=True)
    info = actions.add_parser("info", help="print the cache directory and the size of each entry")
    info.set_defaults(handler=_info)
    clear = actions.add_parser("clear", help="remove the cache (or one entry of it)")
    clear.add_argument("entry", nargs="?", help="one top-level entry, e.g. models (default: everything)")
    clear.set_defaults(handler=_clear)


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
