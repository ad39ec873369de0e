"""One-line plugin docs read from source without importing it.

`harness list` must not import plugins, so the summary line is taken from the
docstring found by parsing the module that an entry point names. Re-exports
(`from ._impl import thing`) are followed a few levels deep.
"""

from __future__ import annotations

import ast
import sys
from functools import lru_cache
from importlib.machinery import ModuleSpec, PathFinder
from pathlib import Path

from harness._cache import StampedCache, cache_dir

_MAX_HOPS = 4


def summary_line(reference: str, cache: "SummaryCache | None" = None) -> str:
    """The first docstring line of the object `module:attr` names, or ''.

    Args:
        reference: An entry point's `module:attr` value.
        cache: Where summaries of unchanged source files are kept between runs.
    """
    if cache is not None:
        cached = cache.get(reference)
        if cached is not None:
            return cached
    module, _, attr = reference.partition(":")
    sources: list[str] = []
    try:
        doc = _docstring(module, attr or None, _MAX_HOPS, sources)
    except (OSError, SyntaxError, ValueError, ImportError):
        return ""
    line = doc.strip().splitlines()[0].strip() if doc and doc.strip() else ""
    if cache is not None:
        cache.put(reference, line, sources)
    return line


class SummaryCache(StampedCache):
    """Summary lines by entry-point reference, valid while every source file read for them is unchanged.

    The file lives in the plugeval cache directory (`harness.cache_dir()`). An unreadable or
    unwritable cache is ignored.
    """

    def __init__(self, path: Path | None = None) -> None:
        super().__init__(path or cache_dir("summaries.json"))


def _docstring(module: str, attr: str | None, hops: int, sources: list[str]) -> str | None:
    tree = _parse(module)
    origin = _spec(module)
    if origin is not None and origin.origin:
        sources.append(origin.origin)
    if tree is None:
        return None
    if attr is None:
        return ast.get_docstring(tree)
    head, _, rest = attr.partition(".")
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == head:
            if not rest:
                return ast.get_docstring(node)
            return _member_docstring(node, rest)
        if isinstance(node, ast.ImportFrom) and hops > 0:
            for alias in node.names:
                if (alias.asname or alias.name) == head:
                    source = _absolute(module, node.module, node.level, _is_package(module))
                    return _docstring(source, ".".join(filter(None, [alias.name, rest])), hops - 1, sources)
    return None


def _member_docstring(node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> str | None:
    for child in getattr(node, "body", []):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and child.name == name:
            return ast.get_docstring(child)
    return None


def _absolute(current: str, target: str | None, level: int, current_is_package: bool) -> str:
    if level == 0:
        return target or ""
    parts = current.split(".")
    base = parts if current_is_package else parts[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


@lru_cache(maxsize=None)
def _spec(module: str) -> ModuleSpec | None:
    parent, _, leaf = module.rpartition(".")
    if not parent:
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if find is None:
                continue
            try:
                spec = find(module, None)
            except Exception:  # a third-party finder may fail in any way
                continue
            if spec is not None:
                return spec
        return None
    parent_spec = _spec(parent)
    locations = _locations(parent_spec)
    if not locations:
        return None
    try:
        return PathFinder.find_spec(module, locations)
    except (ImportError, KeyError, ValueError):
        return None


def _locations(spec: ModuleSpec | None) -> list[str]:
    """A package's directories, without importing it (a namespace package's path would import its parent)."""
    if spec is None or spec.submodule_search_locations is None:
        return []
    try:
        return list(spec.submodule_search_locations)
    except (KeyError, ImportError):  # a _NamespacePath recomputing itself from sys.modules
        return list(getattr(spec.submodule_search_locations, "_path", []))


def _is_package(module: str) -> bool:
    spec = _spec(module)
    return bool(spec and spec.submodule_search_locations is not None)


@lru_cache(maxsize=None)
def _parse(module: str) -> ast.Module | None:
    spec = _spec(module)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    with open(spec.origin, encoding="utf-8") as source:
        return ast.parse(source.read(), filename=spec.origin)
