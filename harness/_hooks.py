"""The hook plugin manager: loads `harness.hooks` plugins and calls them without letting one fail a run."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import pluggy

from . import hookspecs
from ._errors import PluginLoadError
from ._kinds import PluginKind
from ._registry import Registry


@dataclass(frozen=True)
class HookError:
    """A hook implementation that raised."""

    plugin: str
    hook: str
    error: str

    def to_dict(self) -> dict[str, str]:
        return {"plugin": self.plugin, "hook": self.hook, "error": self.error}


@dataclass
class HookRunner:
    """Calls hooks implementation by implementation, collecting failures instead of raising."""

    manager: pluggy.PluginManager
    errors: list[HookError] = field(default_factory=list)

    def call(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Call every implementation of `hook_name`; return their non-None results."""
        results = []
        hook = getattr(self.manager.hook, hook_name)
        for impl in reversed(hook.get_hookimpls()):
            try:
                value = impl.function(**{name: kwargs[name] for name in impl.argnames})
            except Exception as ex:  # a plugin can fail in any way; the run goes on
                self._report(impl.plugin_name, hook_name, f"{type(ex).__name__}: {ex}")
                continue
            if value is not None:
                results.append(value)
        return results

    def _report(self, plugin: str, hook_name: str, error: str) -> None:
        self.errors.append(HookError(plugin, hook_name, error))
        print(f"harness: hook plugin '{plugin}' failed in {hook_name}: {error} (run continues)", file=sys.stderr)


def hook_runner(registry: Registry) -> HookRunner:
    """A runner with every enabled `harness.hooks` plugin registered.

    A hook plugin that fails to import or register is reported like a failing
    hook and left out; the others still run.
    """
    manager = pluggy.PluginManager("harness")
    manager.add_hookspecs(hookspecs)
    runner = HookRunner(manager)
    for entry in registry.entries(PluginKind.HOOKS):
        try:
            manager.register(entry.load(), name=entry.qualified_name)
        except (PluginLoadError, ValueError, pluggy.PluginValidationError) as ex:
            runner._report(entry.qualified_name, "register", str(ex))
    return runner
