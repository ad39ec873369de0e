"""The rubric set as data: a versioned YAML file, validated by JSON Schema, with one-line errors."""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from harness import ConfigError

DEFAULT_RUBRIC = "agent-behaviour"
"""Name of the shipped rubric set (`rubric=` default)."""


@dataclass(frozen=True)
class RubricItem:
    """One yes/no rubric item about a trajectory.

    Attributes:
        name: Feature name (snake_case).
        category: `user_follow_up`, `agent_behaviour` or `infrastructure`.
        description: What the behaviour is.
        evidence: What in a trace decides the item.
        question: The yes/no question put to the LLM judge.
        detector: The programmatic detector that decides it without a judge, if any.
    """

    name: str
    category: str
    description: str
    evidence: str
    question: str
    detector: str | None = None


@dataclass(frozen=True)
class Rubric:
    """A versioned rubric set.

    Attributes:
        name: Rubric set name.
        version: Version string; critics record it and are refused by another version.
        description: What the set covers.
        items: The items, in file order.
        source: Where it was read from (a path, or `shipped:NAME`).
        digest: Short hash of the whole set's items (name, question, detector), kept by subsets: part of
            the judgment cache key, so an edited question is asked again.
    """

    name: str
    version: str
    description: str
    items: tuple[RubricItem, ...]
    source: str
    digest: str = ""

    @property
    def names(self) -> list[str]:
        """Item names in order."""
        return [item.name for item in self.items]

    def item(self, name: str) -> RubricItem:
        """The item called `name`."""
        for item in self.items:
            if item.name == name:
                return item
        raise ConfigError(f"rubric {self.name} {self.version} has no item '{name}'{_suggest(name, self.names)}")

    def subset(self, names: list[str]) -> Rubric:
        """The same rubric restricted to `names` (an unknown name is an error)."""
        chosen = tuple(self.item(n) for n in names)
        return Rubric(self.name, self.version, self.description, chosen, self.source, self.digest)


@cache
def rubric_schema() -> dict[str, Any]:
    """The JSON Schema of rubric files."""
    text = resources.files(__package__).joinpath("schemas", "rubric.schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def shipped_rubrics() -> list[str]:
    """Names of the rubric sets shipped with the package."""
    folder = resources.files(__package__).joinpath("rubrics")
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_rubric(spec: str | Path | None = None) -> Rubric:
    """Load and validate a rubric set: a shipped name (default `agent-behaviour`) or a YAML path.

    Raises:
        ConfigError: Not found, not YAML, or invalid; one line naming the key or item and the fix.
    """
    spec = str(spec or DEFAULT_RUBRIC)
    if spec in shipped_rubrics():
        text = resources.files(__package__).joinpath("rubrics", f"{spec}.yaml").read_text(encoding="utf-8")
        source = f"shipped:{spec}"
    else:
        path = Path(spec)
        if not path.is_file():
            raise ConfigError(
                f"rubric '{spec}' is neither a file nor a shipped rubric set ({', '.join(shipped_rubrics())})"
            )
        text, source = path.read_text(encoding="utf-8"), str(path)
    return parse_rubric(text, source)


def parse_rubric(text: str, source: str) -> Rubric:
    """Validate rubric YAML text (`source` names it in errors)."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as ex:
        raise ConfigError(f"{source}: not valid YAML: {str(ex).splitlines()[0]}") from ex
    _validate(data, source)
    items = tuple(RubricItem(**item) for item in data["items"])
    _check_items(items, source)
    digest = hashlib.sha256(json.dumps([[i.name, i.question, i.detector] for i in items]).encode()).hexdigest()[:16]
    return Rubric(data["name"], str(data["version"]), data.get("description", ""), items, source, digest)


def _validate(data: Any, source: str) -> None:
    import jsonschema

    schema = rubric_schema()
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    error = errors[0]
    where = _where(data, list(error.absolute_path))
    if error.validator == "additionalProperties":
        allowed = _allowed_keys(schema, list(error.absolute_path))
        unknown = [k for k in error.instance if k not in allowed]
        bad = unknown[0] if unknown else "?"
        raise ConfigError(
            f"{source}: {where}unknown key '{bad}'{_suggest(bad, allowed)}; valid keys: {', '.join(allowed)}"
        )
    if error.validator == "required":
        raise ConfigError(
            f"{source}: {where}{error.message}; every item needs name, category, description, evidence and question"
        )
    raise ConfigError(f"{source}: {where}{error.message}")


def _allowed_keys(schema: dict[str, Any], path: list[Any]) -> list[str]:
    node = schema
    for part in path:
        node = node["items"] if isinstance(part, int) else node["properties"][part]
    return list(node["properties"])


def _where(data: Any, path: list[Any]) -> str:
    if len(path) >= 2 and path[0] == "items" and isinstance(data, dict):
        try:
            name = data["items"][path[1]].get("name", f"#{path[1] + 1}")
        except (AttributeError, IndexError, TypeError):
            name = f"#{path[1] + 1}"
        rest = ".".join(str(p) for p in path[2:])
        return f"item '{name}'{(' ' + rest) if rest else ''}: "
    return f"{'.'.join(str(p) for p in path)}: " if path else ""


def _check_items(items: tuple[RubricItem, ...], source: str) -> None:
    from ._detectors import DETECTORS

    seen: set[str] = set()
    for item in items:
        if item.name in seen:
            raise ConfigError(f"{source}: item '{item.name}' appears twice; item names must be unique")
        seen.add(item.name)
        if item.detector is not None and item.detector not in DETECTORS:
            raise ConfigError(
                f"{source}: item '{item.name}': unknown detector '{item.detector}'"
                f"{_suggest(item.detector, list(DETECTORS))}; detectors: {', '.join(DETECTORS)}"
            )


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
