"""YAML files read with the line of every value, for errors that point at a line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness._errors import ConfigError

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML mapping with the 1-based line of each value."""

    path: Path
    data: dict[str, Any]
    lines: dict[Location, int] = field(default_factory=dict)

    def where(self, location: Location) -> str:
        """`file:line` of the value at `location`, or of its closest parent."""
        loc = tuple(location)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return f"{self.path}:{self.lines.get(loc, 1)}"


def read_yaml_mapping(path: str | Path, what: str) -> YamlDocument:
    """Read a YAML file whose top level must be a mapping.

    Raises:
        ConfigError: The file is missing, is not valid YAML, or is not a mapping.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as ex:
        raise ConfigError(f"cannot read {what} '{path}': {ex.strerror or ex}") from ex
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as ex:
        mark = getattr(ex, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(ex, "problem", None) or str(ex)
        raise ConfigError(f"{path}{line}: invalid YAML in {what}: {problem}") from ex
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: {what} must be a YAML mapping of keys to values")
    lines: dict[Location, int] = {}
    _record_lines(node, (), lines)
    return YamlDocument(path, data, lines)


def _record_lines(node: yaml.Node | None, location: Location, lines: dict[Location, int]) -> None:
    if node is None:
        return
    lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*location, key)] = key_node.start_mark.line + 1
            _record_lines(value_node, (*location, key), lines)
            lines[(*location, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*location, index), lines)
