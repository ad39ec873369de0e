"""The one way a plugin becomes a component: resolve its name, type and check its parameters, call it.

`harness eval` (through `plan`), YAML task files and every other place that builds a solver,
scorer, simulator or task from a name and parameters go through `resolve_component` and
`call_factory`, so a parameter is typed, validated and reported the same way wherever it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from harness._errors import HarnessError, PluginLoadError
from harness.config._coerce import coerce
from harness.config._validation import validate
from harness.plugins._kinds import PluginKind
from harness.plugins._params import params_schema
from harness.plugins._registry import PluginEntry, Registry


@dataclass(frozen=True)
class ResolvedComponent:
    """A plugin found by name, with its factory and the parameters it will be called with.

    Attributes:
        entry: The plugin's entry point.
        factory: The imported factory (`entry.load()`).
        schema: JSON Schema of the factory's parameters.
        args: The parameters, typed by `schema` and validated against it.
    """

    entry: PluginEntry
    factory: Callable[..., Any]
    schema: Mapping[str, Any]
    args: dict[str, Any]

    @property
    def what(self) -> str:
        """How messages name it: `scorer 'dist/name'`."""
        return f"{self.entry.kind.value} '{self.entry.qualified_name}'"

    def build(self, **supplied: Any) -> Any:
        """Call the factory with the parameters, plus those the harness supplies itself."""
        return call_factory(self.factory, {**self.args, **supplied}, self.what)


def resolve_component(
    registry: Registry,
    kind: PluginKind,
    name: str,
    values: Mapping[str, Any] | None = None,
    raw: Mapping[str, str] | None = None,
    *,
    prefix: str | None = None,
    supplied: Collection[str] = (),
) -> ResolvedComponent:
    """Find the plugin `name`, type its parameters and check them against its signature.

    Args:
        registry: Where plugins are found.
        kind: The kind of plugin.
        name: Its name or `dist/name`.
        values: Parameters given as values (a config file's `scorer_args`, a YAML task's `args`).
        raw: Parameters given as command-line text (`scorer.location=any`), typed by the schema;
            they override `values`.
        prefix: How messages name a parameter (default `KIND.`, e.g. `scorer.location`).
        supplied: Parameters the harness passes itself (a scorer file's `path`, a task's
            `simulator`): not required from the user.

    Raises:
        PluginNotFoundError, AmbiguousPluginError, PluginLoadError: As from the registry.
        ConfigError: A parameter is unknown or of the wrong type; the message names it and the fix.
    """
    entry = registry.resolve(kind, name)
    factory = entry.load()
    schema = params_schema(factory)
    if supplied:
        schema = {**schema, "required": [r for r in schema.get("required", []) if r not in supplied]}
    properties = schema.get("properties", {})
    args = dict(values or {})
    for key, text in (raw or {}).items():
        args[key] = coerce(text, properties.get(key, {}))
    validate(args, schema, prefix=prefix if prefix is not None else f"{kind.value}.")
    return ResolvedComponent(entry, factory, schema, args)


def build_component(
    registry: Registry, kind: PluginKind, name: str, args: dict[str, Any], *, prefix: str | None = None
) -> Any:
    """Resolve a plugin with its parameters (see `resolve_component`) and build it.

    Raises:
        PluginNotFoundError, AmbiguousPluginError, PluginLoadError: As from the registry.
        ConfigError: `args` do not fit the factory's parameters.
    """
    return resolve_component(registry, kind, name, args, prefix=prefix).build()


def call_factory(factory: Callable[..., Any], args: dict[str, Any], what: str) -> Any:
    """Call a plugin factory, turning its failure into a `PluginLoadError` naming the plugin."""
    try:
        return factory(**args)
    except Exception as ex:  # a plugin's factory can fail in any way
        if isinstance(ex, HarnessError):
            raise
        raise PluginLoadError(f"{what} failed to build: {type(ex).__name__}: {ex}") from ex
