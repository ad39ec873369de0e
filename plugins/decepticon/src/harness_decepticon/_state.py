"""Server-side site state: a JSON object changed only by form posts, plus the request log.

A form post is a list of (name, value) fields, applied in order:

- `a.b=v` sets the state at path `a.b` (a later field with the same name wins, so a hidden
  `no` before a checkbox's `yes` records unticked boxes);
- `_add.a.b=v` appends v to the list at `a.b`; `_remove.a.b=v` removes one v from it;
  `_clear.a.b` empties it;
- `_next=/path` is where the browser goes next (default: back to the page that posted).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

PATH = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")
MISSING = object()


class FormError(ValueError):
    """A form post that cannot be applied (bad field name or target)."""


def deep_merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """A copy of `base` with `update` merged in (objects merge, everything else replaces)."""
    merged = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def lookup(state: dict[str, Any], path: str) -> Any:
    """The value at a dotted path, or MISSING."""
    node: Any = state
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node


def _parent(state: dict[str, Any], path: str) -> tuple[dict[str, Any], str]:
    parts = path.split(".")
    node = state
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    return node, parts[-1]


@dataclass
class FormResult:
    """What a post changed and where to go next."""

    next_path: str | None = None
    changed: list[str] = field(default_factory=list)


def apply_form(state: dict[str, Any], fields: list[tuple[str, str]]) -> FormResult:
    """Apply a form post to `state` in place; raises FormError on a malformed field."""
    result = FormResult()
    for name, value in fields:
        if name == "_next":
            if not value.startswith("/") or value.startswith("//"):
                raise FormError(f"_next must be a path on this site, got {value!r}")
            result.next_path = value
            continue
        op, _, path = name.partition(".") if name.startswith("_") else ("_set", "", name)
        if not PATH.match(path):
            raise FormError(f"form field {name!r} does not name a state path")
        parent, key = _parent(state, path)
        if op == "_set":
            parent[key] = value
        elif op == "_add":
            items = parent.get(key)
            parent[key] = [*items, value] if isinstance(items, list) else [value]
        elif op == "_remove":
            items = parent.get(key)
            if isinstance(items, list) and value in items:
                items.remove(value)
        elif op == "_clear":
            parent[key] = []
        else:
            raise FormError(f"unknown form operation {op!r} in field {name!r}")
        result.changed.append(path)
    return result
