"""Run configuration: `key=value` overrides over an optional YAML file, validated by schema."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ._errors import ConfigError
from ._kinds import COMPONENT_KINDS
from ._schemas import load_schema
from ._validation import validate
from ._yamlfile import read_yaml_mapping

DEFAULT_MODEL = "local/smollm2-135m"
"""The model used when none is given: a real model run on the CPU, offline, no API key (plugeval[local])."""

MODEL_ENV = "HARNESS_MODEL"
"""Environment variable naming the model to use when a run gives none (overrides DEFAULT_MODEL)."""


def default_model() -> str:
    """The model a run uses when it names none: $HARNESS_MODEL, else DEFAULT_MODEL."""
    return os.environ.get(MODEL_ENV) or DEFAULT_MODEL


ARGS_KEYS = {f"{kind.value}_args": kind.value for kind in COMPONENT_KINDS}
_SHORTHANDS = {kind.value: f"{kind.value}_args" for kind in COMPONENT_KINDS} | {"model_args": "model_args"}
_NESTED_ARGS = {*ARGS_KEYS, "model_args"}


def run_schema() -> dict[str, Any]:
    """The JSON Schema of a run configuration (`harness/schemas/run.schema.json`)."""
    return load_schema("run.schema.json")


@dataclass(frozen=True)
class RunConfig:
    """A validated `harness eval` configuration.

    Attributes:
        task: Task plugin name or YAML task path.
        model: Inspect model string.
        solver: Optional solver plugin replacing the task's solver.
        scorer: Optional scorer plugin replacing the task's scorer.
        simulator: Optional simulator plugin.
        options: Run options (limit, epochs, seed, log_dir, generation settings...).
        args: Parameters per component, keyed by `task`, `solver`, `scorer`, `simulator`, `model`.
        raw_args: Parameters given on the command line, still as text; they are
            typed against the plugin's own schema once the plugin is known.
    """

    task: str
    model: str = DEFAULT_MODEL
    solver: str | None = None
    scorer: str | None = None
    simulator: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    args: dict[str, dict[str, Any]] = field(default_factory=dict)
    raw_args: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Every parameter of the run, as recorded in results."""
        return {
            "task": self.task,
            "model": self.model,
            "solver": self.solver,
            "scorer": self.scorer,
            "simulator": self.simulator,
            **self.options,
            **{f"{kind}_args": values for kind, values in self.args.items() if values},
        }


def parse_overrides(tokens: list[str]) -> dict[str, str]:
    """Split `key=value` command-line tokens.

    Raises:
        ConfigError: A token has no `=` or an empty key.
    """
    overrides: dict[str, str] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"argument '{token}' is not key=value; e.g. task=arithmetic model=mockllm/model")
        overrides[key.strip()] = value
    return overrides


def load_run_config(overrides: dict[str, str], config_file: str | Path | None = None) -> RunConfig:
    """Merge `key=value` overrides over an optional YAML file and validate the result.

    Plugin parameters are checked later, against each plugin's own schema
    (see `harness._build`).

    Raises:
        ConfigError: Unknown key, wrong type or missing task, naming the key and the fix.
    """
    schema = run_schema()
    data: dict[str, Any] = {}
    where = None
    if config_file is not None:
        document = read_yaml_mapping(config_file, "run config")
        data = dict(document.data)
        where = document.where
        validate(data, schema, where=where)
    raw_args: dict[str, dict[str, str]] = {}
    for key, value in overrides.items():
        head, dot, rest = key.partition(".")
        if dot and head in _SHORTHANDS:
            raw_args.setdefault(_SHORTHANDS[head][: -len("_args")], {})[rest] = value
        elif dot:
            if head not in schema["properties"]:
                validate({head: None}, schema)  # reports the unknown key with a suggestion
            raise ConfigError(f"'{head}' takes no dotted sub-keys; write {head}=VALUE")
        else:
            properties = schema["properties"]
            data[key] = coerce(value, properties[key]) if key in properties else value
    validate(data, schema)
    args = {kind: dict(data.pop(f"{kind}_args", None) or {}) for kind in (*ARGS_KEYS.values(), "model")}
    component_keys = ("task", "model", "solver", "scorer", "simulator")
    components = {key: data.pop(key) for key in component_keys if key in data}
    return RunConfig(
        task=components["task"],
        model=components.get("model") or default_model(),
        solver=components.get("solver"),
        scorer=components.get("scorer"),
        simulator=components.get("simulator"),
        options=data,
        args=args,
        raw_args=raw_args,
    )


def typed_args(config: RunConfig, kind: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A component's parameters: file values, then command-line text typed by `schema`, validated.

    Raises:
        ConfigError: Unknown parameter or wrong type, named as `kind.PARAM`.
    """
    values = dict(config.args.get(kind, {}))
    properties = schema.get("properties", {})
    for name, raw in config.raw_args.get(kind, {}).items():
        values[name] = coerce(raw, properties.get(name, {}))
    validate(values, schema, prefix=f"{kind}.")
    return values


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
