"""Shipped data files, read and validated against the package's JSON schemas."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from harness import ConfigError

PACKAGE = files("harness_stateful_swe")


def data_path(name: str) -> Path:
    """The path of a shipped data file (`data/NAME`)."""
    return Path(str(PACKAGE.joinpath("data", name)))


@cache
def schema(name: str) -> dict[str, Any]:
    """A shipped JSON schema (`schemas/NAME.schema.json`)."""
    return json.loads(PACKAGE.joinpath("schemas", f"{name}.schema.json").read_text(encoding="utf-8"))


def read_document(path: str | Path, schema_name: str) -> Any:
    """A YAML or JSON file, validated against a shipped schema.

    Raises:
        ConfigError: The file cannot be read or does not match the schema; the message names the
            file and the first problem's place in it.
    """
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as ex:
        raise ConfigError(f"{file}: cannot read it ({type(ex).__name__}: {ex})") from ex
    validate(data, schema_name, str(file))
    return data


def validate(data: Any, schema_name: str, where: str) -> None:
    """Validate `data` against a shipped schema; ConfigError naming `where` and the first problem."""
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(schema(schema_name)).iter_errors(data), key=lambda e: e.path)
    if errors:
        first = errors[0]
        place = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise ConfigError(f"{where}: {place}: {first.message} (schema {schema_name}.schema.json)")
