"""JSON Schema validation with one-line errors that name the key and the fix."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from harness._errors import ConfigError, HarnessError

_TYPE_WORDS = {
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "string": "a string",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


_BOUNDS = {
    "minimum": "at least",
    "maximum": "at most",
    "exclusiveMinimum": "more than",
    "exclusiveMaximum": "less than",
}


def validate(
    instance: Any,
    schema: dict[str, Any],
    *,
    prefix: str = "",
    where: Callable[[tuple[Any, ...]], str] | None = None,
    error: type[HarnessError] = ConfigError,
) -> None:
    """Validate `instance`, raising one `ConfigError` for the most relevant problem.

    Args:
        instance: The data to check.
        schema: A JSON Schema (draft 2020-12).
        prefix: Dotted name of `instance` for messages, e.g. `task.` for task params.
        where: Maps a location inside `instance` to `file:line`, for files.
        error: The error type to raise.
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    problem = jsonschema.exceptions.best_match(validator.iter_errors(instance), key=_relevance)
    if problem is None:
        return
    location = tuple(problem.absolute_path)
    if problem.validator == "additionalProperties":
        location = (*location, _unknown_keys(problem)[0])
    message = describe(problem, prefix)
    if where is not None:
        message = f"{where(location)}: {message}"
    raise error(message)


def _relevance(problem: Any) -> Any:
    # Unknown keys first: they are the commonest mistake and the most useful message.
    return (problem.validator == "additionalProperties", *_default_relevance(problem))


def _default_relevance(problem: Any) -> tuple[Any, ...]:
    import jsonschema

    return tuple(jsonschema.exceptions.relevance(problem))


def describe(problem: Any, prefix: str = "") -> str:
    """A one-line message for a `jsonschema.ValidationError`."""
    path = prefix + ".".join(str(p) for p in problem.absolute_path)
    subject = f"'{path}'" if path else "the configuration"
    kind = problem.validator
    if kind == "additionalProperties":
        known = sorted(problem.schema.get("properties", {}))
        name = _unknown_keys(problem)[0]
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f" (did you mean '{_join(path, close[0], prefix)}'?)" if close else ""
        valid = ", ".join(known) if known else "none"
        return f"unknown key '{_join(path, name, prefix)}'{hint}; valid keys: {valid}"
    if kind == "required":
        missing = problem.message.split("'")[1] if "'" in problem.message else problem.message
        return f"missing required key '{_join(path, missing, prefix)}'"
    if kind == "type":
        expected = problem.validator_value
        kinds = expected if isinstance(expected, list) else [expected]
        words = " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in kinds)
        return f"{subject} must be {words}, got {problem.instance!r}"
    if kind == "enum":
        options = ", ".join(repr(v) for v in problem.validator_value)
        return f"{subject} must be one of {options}, got {problem.instance!r}"
    if kind in _BOUNDS:
        return f"{subject} must be {_BOUNDS[kind]} {problem.validator_value}, got {problem.instance!r}"
    if kind == "anyOf":
        options = " or ".join(_option_words(option) for option in problem.validator_value)
        return f"{subject} must be {options}, got {problem.instance!r}"
    return f"{subject}: {problem.message}"


def _unknown_keys(problem: Any) -> list[str]:
    known = set(problem.schema.get("properties", {}))
    return sorted(str(key) for key in problem.instance if key not in known) or ["?"]


def _option_words(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return "one of " + ", ".join(repr(v) for v in schema["enum"])
    kind = schema.get("type")
    return _TYPE_WORDS.get(kind, str(kind)) if isinstance(kind, str) else "a valid value"


def _join(path: str, key: str, prefix: str) -> str:
    inner = path[len(prefix) :] if path.startswith(prefix) else path
    return f"{prefix}{inner}.{key}" if inner else f"{prefix}{key}"
