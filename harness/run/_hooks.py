"""The run's hook plugins: `harness.hooks` entry points, called through pluggy, one failure at a time.

Calls go through pluggy's own hook calling (`manager.hook.NAME(...)`), so ordering
(`tryfirst`/`trylast`), wrappers (`wrapper=True`, `hookwrapper=True`) and `firstresult` specs
behave as pluggy documents. What the harness adds is isolation: an implementation that raises is
reported by plugin name (stderr and the record's `hook_errors`) and counted as returning None,
and the run and the other implementations go on. Isolation is done at load time: what pluggy
registers is a stand-in for the plugin whose implementations are the plugin's own, each wrapped
(with `functools.wraps`, so pluggy reads the same marker options and arguments) in a guard.
"""

from __future__ import annotations

import functools
import sys
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pluggy

from harness import hookspecs
from harness._errors import PluginLoadError
from harness.plugins._registry import PluginEntry

IMPL_MARKER = f"{hookspecs.hookimpl.project_name}_impl"
"""The attribute pluggy's `HookimplMarker` puts on an implementation (its options)."""


@dataclass(frozen=True)
class HookError:
    """A hook implementation that raised."""

    plugin: str
    hook: str
    error: str

    def to_dict(self) -> dict[str, str]:
        return {"plugin": self.plugin, "hook": self.hook, "error": self.error}


@dataclass
class HookRelay:
    """Calls the hooks of the registered plugins; collects failures instead of raising."""

    manager: pluggy.PluginManager
    errors: list[HookError] = field(default_factory=list)

    def register(self, plugin: Any, name: str) -> None:
        """Register a hook plugin (a module or an instance); one that pluggy rejects is reported and left out."""
        try:
            self.manager.register(self._guarded(plugin, name), name=name)
        except (ValueError, pluggy.PluginValidationError) as ex:
            self.report(name, "register", str(ex))

    def call(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Call `hook_name` with pluggy; return the implementations' non-None results."""
        caller = getattr(self.manager.hook, hook_name)
        if not caller.get_hookimpls():
            return []
        try:
            outcome = caller(**kwargs)
        except Exception as ex:  # only a wrapper gets here: plain implementations are isolated
            self.report("(a hook wrapper)", hook_name, f"{type(ex).__name__}: {ex}")
            return []
        if caller.spec is not None and caller.spec.opts.get("firstresult"):
            return [] if outcome is None else [outcome]
        return [value for value in outcome if value is not None]

    def has_implementations(self, hook_name: str) -> bool:
        return bool(getattr(self.manager.hook, hook_name).get_hookimpls())

    def report(self, plugin: str, hook_name: str, error: str) -> None:
        """Record a failure and tell the user; the run continues."""
        self.errors.append(HookError(plugin, hook_name, error))
        print(f"harness: hook plugin '{plugin}' failed in {hook_name}: {error} (run continues)", file=sys.stderr)

    def _guarded(self, plugin: Any, name: str) -> Any:
        """A stand-in for `plugin`: its hook implementations, each guarded; wrappers as they are.

        A hook wrapper is passed through: it must see the other implementations' results and
        errors, and an error of its own is caught in `call`.
        """
        stand_in = types.SimpleNamespace(__name__=getattr(plugin, "__name__", name))
        for attribute in dir(plugin):
            value = getattr(plugin, attribute, None)
            options = getattr(value, IMPL_MARKER, None)
            if not callable(value) or not isinstance(options, dict):
                continue
            if options.get("wrapper") or options.get("hookwrapper"):
                setattr(stand_in, attribute, value)
            else:
                setattr(stand_in, attribute, self._isolated(value, name, options.get("specname") or attribute))
        return stand_in

    def _isolated(self, function: Callable[..., Any], plugin: str, hook_name: str) -> Callable[..., Any]:
        @functools.wraps(function)  # pluggy reads the marker options and argument names through it
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except Exception as ex:  # a plugin can fail in any way; the run goes on
                self.report(plugin, hook_name, f"{type(ex).__name__}: {ex}")
                return None

        return call


def hook_relay(plugins: Iterable[tuple[PluginEntry, Any]]) -> HookRelay:
    """A relay with the given hook plugins registered (`Registry.load_all(PluginKind.HOOKS)`).

    A hook plugin that failed to import (given as its `PluginLoadError`) or that pluggy rejects
    is reported like a failing hook and left out; the others still run.
    """
    manager = pluggy.PluginManager("harness")
    manager.add_hookspecs(hookspecs)
    relay = HookRelay(manager)
    for entry, plugin in plugins:
        if isinstance(plugin, PluginLoadError):
            relay.report(entry.qualified_name, "register", str(plugin))
        else:
            relay.register(plugin, entry.qualified_name)
    return relay
