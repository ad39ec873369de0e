"""Typing command-line text by the JSON Schema of the value it sets."""

from __future__ import annotations

from typing import Any

import yaml

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def coerce(raw: str, schema: dict[str, Any]) -> Any:
    """Type a command-line value by the schema it must satisfy.

    A value that cannot be typed is returned as text, so that validation
    reports it with the expected type.
    """
    types = _schema_types(schema)
    if not types:
        return _yaml_scalar(raw)
    if "null" in types and raw.lower() in ("null", "none", "~"):
        return None
    for kind in ("boolean", "integer", "number", "array", "object"):
        if kind not in types:
            continue
        value = _coerce_as(kind, raw, schema)
        if value is not _FAILED:
            return value
    return raw


_FAILED = object()


def _coerce_as(kind: str, raw: str, schema: dict[str, Any]) -> Any:
    text = raw.strip()
    if kind == "boolean":
        lowered = text.lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else _FAILED
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            return _FAILED
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            return _FAILED
    if kind == "array":
        if text.startswith("["):
            parsed = _yaml_scalar(text)
            return parsed if isinstance(parsed, list) else _FAILED
        items = schema.get("items", {})
        return [coerce(part, items) for part in text.split(",")] if text else []
    if kind == "object":
        parsed = _yaml_scalar(text)
        return parsed if isinstance(parsed, dict) else _FAILED
    return _FAILED


def _schema_types(schema: dict[str, Any]) -> set[str]:
    if "type" in schema:
        kind = schema["type"]
        return set(kind if isinstance(kind, list) else [kind])
    if "enum" in schema:
        return {_json_type(v) for v in schema["enum"]}
    types: set[str] = set()
    for option in schema.get("anyOf", []) + schema.get("oneOf", []):
        option_types = _schema_types(option)
        if not option_types:
            return set()
        types |= option_types
    return types


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if value is None:
        return "null"
    return "string"


def _yaml_scalar(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text
