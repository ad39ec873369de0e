"""Discovery of installed plugins from entry-point metadata.

Listing and resolving names read metadata only; no plugin module is imported
until `PluginEntry.load` is called for a plugin that is actually used.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from harness._errors import AmbiguousPluginError, PluginLoadError, PluginNotFoundError
from harness.plugins._kinds import PluginKind

DISABLE_ENV = "HARNESS_DISABLE_PLUGINS"
"""Environment variable: comma-separated plugin or distribution names to disable."""

_REFERENCE = re.compile(r"^[A-Za-z_][\w.]*(:[A-Za-z_][\w.]*)?$")
_GROUPS = {kind.group: kind for kind in PluginKind}


@dataclass(frozen=True)
class PluginEntry:
    """One plugin registered through an entry point.

    Attributes:
        kind: What kind of plugin it is.
        name: The short name users type (`task=NAME`).
        reference: The entry point's object reference, `module:attr`.
        dist: Name of the distribution that registers it.
        version: Version of that distribution.
        problem: Why the plugin is unusable, when that is known from metadata alone.
    """

    kind: PluginKind
    name: str
    reference: str
    dist: str
    version: str
    problem: str | None = None

    @property
    def qualified_name(self) -> str:
        """The unambiguous `dist/name` form."""
        return f"{self.dist}/{self.name}"

    @property
    def module(self) -> str:
        return self.reference.partition(":")[0]

    def load(self) -> Any:
        """Import the plugin and return the object its entry point names.

        Raises:
            PluginLoadError: The plugin is broken: its module fails to import,
                the object is missing, or it is not callable.
        """
        if self.problem:
            raise PluginLoadError(f"{self.kind.value} '{self.qualified_name}' is broken: {self.problem}")
        entry_point = metadata.EntryPoint(self.name, self.reference, self.kind.group)
        try:
            obj = entry_point.load()
        except Exception as ex:  # a plugin's import can fail in any way
            raise PluginLoadError(
                f"{self.kind.value} '{self.qualified_name}' failed to load from "
                f"'{self.reference}': {type(ex).__name__}: {ex}. "
                f"Fix or reinstall '{self.dist}', or disable it with -p no:{self.name}"
            ) from ex
        if self.kind is not PluginKind.HOOKS and not callable(obj):
            raise PluginLoadError(
                f"{self.kind.value} '{self.qualified_name}' is not usable: '{self.reference}' is a "
                f"{type(obj).__name__}, expected a function that builds the {self.kind.value}"
            )
        return obj


@dataclass
class Registry:
    """The installed plugins, read from entry-point metadata.

    Args:
        disabled: Plugin names (`name` or `dist/name`) or distribution names
            that are hidden, as with `-p no:NAME`. The `HARNESS_DISABLE_PLUGINS`
            environment variable adds to these.
    """

    disabled: frozenset[str] = frozenset()
    _entries: list[PluginEntry] | None = field(default=None, repr=False)

    @classmethod
    def from_environment(cls, disabled: Iterable[str] = ()) -> "Registry":
        from_env = [n.strip() for n in os.environ.get(DISABLE_ENV, "").split(",") if n.strip()]
        return cls(disabled=frozenset([*disabled, *from_env]))

    def entries(self, kind: PluginKind | None = None, include_disabled: bool = False) -> list[PluginEntry]:
        """All plugins of a kind (or of every kind), sorted by name then distribution."""
        if self._entries is None:
            self._entries = sorted(_scan_distributions(), key=lambda e: (e.kind.value, e.name, e.dist))
        return [
            entry
            for entry in self._entries
            if (kind is None or entry.kind is kind) and (include_disabled or not self.is_disabled(entry))
        ]

    def load_all(self, kind: PluginKind) -> list[tuple[PluginEntry, Any]]:
        """Import every enabled plugin of `kind`: each entry with its object, or with the
        `PluginLoadError` its loading raised (one broken plugin does not stop the others)."""
        loaded: list[tuple[PluginEntry, Any]] = []
        for entry in self.entries(kind):
            try:
                loaded.append((entry, entry.load()))
            except PluginLoadError as ex:
                loaded.append((entry, ex))
        return loaded

    def is_disabled(self, entry: PluginEntry) -> bool:
        return bool({entry.name, entry.qualified_name, entry.dist} & self.disabled)

    def resolve(self, kind: PluginKind, name: str) -> PluginEntry:
        """Find the plugin a user means by `name` or `dist/name`.

        Raises:
            PluginNotFoundError: No enabled plugin has that name.
            AmbiguousPluginError: Several distributions register the short name.
        """
        candidates = self.entries(kind, include_disabled=True)
        if "/" in name:
            matches = [e for e in candidates if _norm(e.qualified_name) == _norm(name)]
        else:
            matches = [e for e in candidates if e.name == name]
        enabled = [e for e in matches if not self.is_disabled(e)]
        if not enabled:
            if matches:
                raise PluginNotFoundError(
                    f"{kind.value} '{name}' is disabled (by -p no:... or ${DISABLE_ENV}); re-enable it to use it"
                )
            known = sorted({e.name for e in candidates if not self.is_disabled(e)})
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else "."
            listing = ", ".join(known) if known else "none installed"
            raise PluginNotFoundError(
                f"unknown {kind.value} '{name}'{hint} Installed {kind.plural}: {listing}. "
                f"See `harness list {kind.plural}`"
            )
        if len(enabled) > 1:
            both = " and ".join(f"'{e.qualified_name}'" for e in enabled)
            raise AmbiguousPluginError(
                f"{kind.value} name '{name}' is registered by {both}; use the qualified name, e.g. "
                f"{kind.value}={enabled[0].qualified_name}"
            )
        return enabled[0]


def normalized_name(name: str) -> str:
    """A distribution name in PEP 503 normal form: `Plugeval_Foo.bar` → `plugeval-foo-bar`."""
    return re.sub(r"[-_.]+", "-", name).lower()


_norm = normalized_name


def _scan_distributions() -> Iterator[PluginEntry]:
    """Yield every harness entry point of every importable distribution.

    The first distribution of a name on `sys.path` wins, as it does for
    imports. Only distributions whose `entry_points.txt` mentions a harness
    group have their metadata parsed, which keeps listing fast.
    """
    seen: set[str] = set()
    for dist in metadata.distributions():
        text = dist.read_text("entry_points.txt")
        if not text or "[harness." not in text:
            continue
        name, version = _name_and_version(dist)
        if _norm(name) in seen:
            continue
        seen.add(_norm(name))
        yield from _dist_entries(dist, name, version)


def _name_and_version(dist: metadata.Distribution) -> tuple[str, str]:
    """Read `Name` and `Version` from the metadata headers.

    Parsing the whole file with `dist.metadata` (an email parser) costs more
    than the rest of a listing; these two headers always come first.
    """
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    headers: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            break
        key, sep, value = line.partition(":")
        if sep and key in ("Name", "Version"):
            headers.setdefault(key, value.strip())
            if len(headers) == 2:
                break
    return headers.get("Name", "unknown"), headers.get("Version", "?")


def _dist_entries(dist: metadata.Distribution, dist_name: str, version: str) -> Iterator[PluginEntry]:
    points = [ep for ep in dist.entry_points if ep.group in _GROUPS]
    counts: dict[tuple[str, str], int] = {}
    for ep in points:
        counts[(ep.group, ep.name)] = counts.get((ep.group, ep.name), 0) + 1
    for ep in points:
        problem = None
        if counts[(ep.group, ep.name)] > 1:
            problem = f"'{ep.name}' is registered {counts[(ep.group, ep.name)]} times in [{ep.group}] by {dist_name}"
        elif not _REFERENCE.match(ep.value.strip()):
            problem = f"entry point value '{ep.value}' is not a 'module:attribute' reference"
        yield PluginEntry(_GROUPS[ep.group], ep.name, ep.value.strip(), dist_name, version, problem)
