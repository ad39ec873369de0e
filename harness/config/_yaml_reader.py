"""YAML files read with the line of every value, for errors that point at a line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness._errors import ConfigError
from harness.config._text import read_text

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
    text = read_text(path, what, max_bytes=MAX_YAML_BYTES)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        lines: dict[Location, int] = {}
        _record_lines(node, (), lines, _Budget(path, what))
        data = yaml.safe_load(text)
    except RecursionError as ex:
        raise ConfigError(f"{path}: {what} nests too deeply") from ex
    except yaml.YAMLError as ex:
        mark = getattr(ex, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(ex, "problem", None) or str(ex)
        raise ConfigError(f"{path}{line}: invalid YAML in {what}: {problem}") from ex
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: {what} must be a YAML mapping of keys to values")
    return YamlDocument(path, data, lines)


MAX_YAML_BYTES = 16 * 2**20
MAX_YAML_NODES = 200_000
"""Values in a document once aliases are expanded; an alias bomb (a billion laughs) stops here."""


@dataclass
class _Budget:
    path: Path
    what: str
    nodes: int = 0

    def spend(self, node: yaml.Node) -> None:
        self.nodes += 1
        if self.nodes > MAX_YAML_NODES:
            raise ConfigError(
                f"{self.path}:{node.start_mark.line + 1}: {self.what} expands to more than {MAX_YAML_NODES:,} values "
                "(YAML aliases repeated within aliases?); write it out plainly"
            )


def _record_lines(node: yaml.Node | None, location: Location, lines: dict[Location, int], budget: _Budget) -> None:
    """Note each value's line, walking aliases as the loaded data will: the walk is bounded by `budget`."""
    if node is None:
        return
    budget.spend(node)
    lines.setdefault(location, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark.line)
            _record_lines(value_node, (*location, key), lines, budget)
            lines[(*location, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*location, index), lines, budget)
