"""`KEY=VALUE` command-line settings, typed and checked by a JSON Schema.

Every command that takes dynamic keys (`eval`, `compare`, `leaderboard`, `new plugin`, and
plugin commands such as `induce`) reads them here, so the same text means the same value
everywhere: `3` is an integer where the schema wants one, `a,b` or `[a, b]` a list, `true` a
boolean; an unknown key names the valid ones and the closest match.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness._errors import ConfigError
from harness.config._coerce import coerce
from harness.config._validation import validate


@dataclass(frozen=True)
class KeyValues:
    """Parsed settings.

    Attributes:
        values: Settings typed by the schema, nested for `KEY.SUB=VALUE`.
        deferred: For each deferred prefix, its `PREFIX.NAME=VALUE` settings still as text: they
            are typed later against a schema known only then (e.g. a plugin's parameters).
    """

    values: dict[str, Any] = field(default_factory=dict)
    deferred: dict[str, dict[str, str]] = field(default_factory=dict)


def split_key_value(token: str, example: str = "key=value") -> tuple[str, str]:
    """`KEY=VALUE` → (KEY, VALUE).

    Raises:
        ConfigError: The token has no `=` or an empty key.
    """
    key, sep, value = token.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"argument '{token}' is not key=value; e.g. {example}")
    return key.strip(), value


def parse_key_values(
    tokens: Sequence[str],
    schema: Mapping[str, Any],
    *,
    deferred: Sequence[str] = (),
    example: str = "key=value",
) -> KeyValues:
    """Parse `KEY=VALUE` tokens against `schema` (an object schema).

    `KEY.SUB=VALUE` sets one entry of an object-valued key. Values are typed by the schema of the
    key they set; the result is not checked for required keys (merge it with other sources first,
    then call `validate`), but unknown keys and values of the wrong type stop here.

    Args:
        tokens: The command-line tokens.
        schema: JSON Schema of the settings (`properties`, `additionalProperties`).
        deferred: Prefixes whose `PREFIX.NAME=VALUE` settings are kept as text in `deferred`.
        example: A valid token, for the message about a malformed one.

    Raises:
        ConfigError: A malformed token, an unknown key (with the closest valid one), a dotted key
            on a setting that takes none, or a value of the wrong type.
    """
    properties: Mapping[str, Any] = schema.get("properties", {})
    result = KeyValues()
    for token in tokens:
        key, raw = split_key_value(token, example)
        head, dot, rest = key.partition(".")
        if dot and head in deferred:
            if not rest:
                raise ConfigError(f"'{key}' names no parameter; write {head}.NAME=VALUE")
            result.deferred.setdefault(head, {})[rest] = raw
            continue
        if head not in properties and schema.get("additionalProperties") is False:
            validate({head: None}, dict(schema))  # reports the unknown key with a suggestion and the valid keys
        prop = properties.get(head, {})
        shorthand = prop.get("x-shorthand")  # `seat=web` is `seat.kind=web` when seat.port=... is given too
        if dot:
            object_schema = _object_schema(prop)
            if object_schema is None:
                raise ConfigError(f"'{head}' takes no dotted sub-keys; write {head}=VALUE")
            sub_schema = object_schema.get("properties", {}).get(rest) or _additional(object_schema)
            current = result.values.get(head)
            if shorthand and not isinstance(current, dict):
                result.values[head] = {} if current is None else {shorthand: current}
            result.values.setdefault(head, {})[rest] = coerce(raw, sub_schema)
        elif shorthand and isinstance(result.values.get(head), dict):
            result.values[head][shorthand] = coerce(raw, prop)
        else:
            result.values[head] = coerce(raw, prop)
    checked = {k: v for k, v in result.values.items() if k in properties}
    validate(checked, {**dict(schema), "required": []})
    return result


def _is_object(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "object" or (isinstance(kind, list) and "object" in kind)


def _object_schema(schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The schema's object form: itself, or its object branch of an `anyOf` (a setting with a shorthand)."""
    if _is_object(schema):
        return schema
    return next((branch for branch in schema.get("anyOf", []) if _is_object(branch)), None)


def _additional(schema: Mapping[str, Any]) -> dict[str, Any]:
    extra = schema.get("additionalProperties", {})
    return extra if isinstance(extra, dict) else {}
