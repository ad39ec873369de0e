"""Building solvers, scorers, simulators and tasks from plugins and validated parameters."""

from __future__ import annotations

from typing import Any

from harness._errors import HarnessError, PluginLoadError
from harness.plugins._kinds import PluginKind
from harness.plugins._params import params_schema
from harness.plugins._registry import Registry
from harness.config._validation import validate


def build_component(
    registry: Registry,
    kind: PluginKind,
    name: str,
    args: dict[str, Any],
    *,
    prefix: str | None = None,
) -> Any:
    """Load a plugin, check `args` against its parameters and call its factory.

    Raises:
        PluginNotFoundError, AmbiguousPluginError, PluginLoadError: As from the registry.
        ConfigError: `args` do not fit the factory's parameters.
    """
    entry = registry.resolve(kind, name)
    factory = entry.load()
    validate(args, params_schema(factory), prefix=prefix if prefix is not None else f"{kind.value}.")
    return call_factory(factory, args, f"{kind.value} '{entry.qualified_name}'")


def call_factory(factory: Any, args: dict[str, Any], what: str) -> Any:
    """Call a plugin factory, turning its failure into a `PluginLoadError` naming the plugin."""
    try:
        return factory(**args)
    except Exception as ex:  # a plugin's factory can fail in any way
        if isinstance(ex, HarnessError):
            raise
        raise PluginLoadError(f"{what} failed to build: {type(ex).__name__}: {ex}") from ex
