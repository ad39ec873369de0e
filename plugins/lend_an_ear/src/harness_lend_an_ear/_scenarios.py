"""Scenarios: the troubles a simulated seeker brings, as validated JSON (schema `schemas/scenario.schema.json`)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from harness import ConfigError

SHIPPED = "shipped"
"""The name of the scenario set shipped with the package (`data/scenarios.json`)."""


@dataclass(frozen=True)
class Scenario:
    """One trouble (see the schema for each field's meaning)."""

    id: str
    domain: Literal["personal", "workplace"]
    topic: str
    persona: str
    opening: str
    situation: str
    feelings: tuple[str, ...]
    details: tuple[str, ...]
    hopes: str
    dismissive: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The scenario as the schema's JSON object."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scenario:
        """Build from an already validated JSON object."""
        fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        return cls(**fields)


@cache
def scenario_schema() -> dict[str, Any]:
    """The published JSON Schema of one scenario."""
    text = resources.files("harness_lend_an_ear").joinpath("schemas/scenario.schema.json").read_text("utf-8")
    return dict(json.loads(text))


def schema_errors(document: Any) -> list[str]:
    """Every schema violation of one scenario object, as `field: message` lines (empty when valid)."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(scenario_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'.'.join(str(p) for p in e.absolute_path) or '(scenario)'}: {e.message}" for e in errors]


def validate_scenarios(documents: Any, source: str) -> list[Scenario]:
    """Validate a scenario object or a list of them; raise ConfigError naming the first bad one and field."""
    items = documents if isinstance(documents, list) else [documents]
    if not items:
        raise ConfigError(f"{source}: holds no scenarios (expected a scenario object or a non-empty list)")
    scenarios, seen = [], set()
    for index, document in enumerate(items):
        errors = schema_errors(document)
        if errors:
            name = document.get("id", index) if isinstance(document, dict) else index
            raise ConfigError(f"{source} scenario {name}: {errors[0]} (see the scenario schema in the plugin README)")
        if document["id"] in seen:
            raise ConfigError(f"{source}: scenario id {document['id']!r} appears twice; ids must be unique")
        seen.add(document["id"])
        scenarios.append(Scenario.from_json(document))
    return scenarios


def load_scenarios(source: str | Path = SHIPPED) -> list[Scenario]:
    """The shipped scenarios, or those of a .json file (one scenario or a list) or of every .json file in a directory.

    Raises:
        ConfigError: A missing or unreadable file, or a scenario that breaks the schema (named with its field).
    """
    if str(source) == SHIPPED:
        text = resources.files("harness_lend_an_ear").joinpath("data/scenarios.json").read_text("utf-8")
        return validate_scenarios(json.loads(text), "shipped scenarios")
    path = Path(source)
    if path.is_dir():
        files = sorted(path.glob("*.json"))
        if not files:
            raise ConfigError(f"task.scenarios: {path} holds no .json files")
        found = [s for f in files for s in _load_file(f)]
        validate_scenarios([s.to_json() for s in found], str(path))  # ids unique across the files
        return found
    return _load_file(path)


def _load_file(path: Path) -> list[Scenario]:
    if not path.is_file():
        raise ConfigError(
            f"task.scenarios: {path}: no such file or directory (give 'shipped', a .json file or a directory)"
        )
    try:
        documents = json.loads(path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as ex:
        raise ConfigError(f"{path}: not readable JSON: {ex}") from ex
    return validate_scenarios(documents, str(path))
