"""The kinds of plugin the harness discovers, and their entry-point groups."""

from __future__ import annotations

from enum import Enum


class PluginKind(str, Enum):
    """A kind of plugin; its value is the singular name used on the command line."""

    TASK = "task"
    SOLVER = "solver"
    SIMULATOR = "simulator"
    SCORER = "scorer"
    HOOKS = "hooks"

    @property
    def group(self) -> str:
        """The entry-point group that registers plugins of this kind."""
        return "harness.hooks" if self is PluginKind.HOOKS else f"harness.{self.value}s"

    @property
    def plural(self) -> str:
        return "hooks" if self is PluginKind.HOOKS else f"{self.value}s"

    @classmethod
    def from_plural(cls, word: str) -> "PluginKind":
        for kind in cls:
            if word in (kind.plural, kind.value):
                return kind
        raise ValueError(word)


COMPONENT_KINDS = (PluginKind.TASK, PluginKind.SOLVER, PluginKind.SIMULATOR, PluginKind.SCORER)
