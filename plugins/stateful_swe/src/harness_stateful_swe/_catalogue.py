"""The preference catalogue: what developers want from a coding agent, and how a session is checked against it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from harness import ConfigError

from ._data import data_path, read_document


@dataclass(frozen=True)
class Category:
    """A group of preferences, and the words that show a question is about it."""

    name: str
    description: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Preference:
    """One preference.

    Attributes:
        id: Stable key (the key of `SimulatorContext.preferences`).
        category: Its category's name.
        statement: What it means, in one sentence.
        says: How a developer says it in conversation.
        check: How a session is judged against it (`kind` and its parameters).
        conflicts: Preferences no profile may hold together with this one.
        shared: The other benchmark whose key of the same name means the same (e.g. `ambig_swe`).
    """

    id: str
    category: str
    statement: str
    says: tuple[str, ...]
    check: dict[str, Any] = field(hash=False)
    conflicts: tuple[str, ...] = ()
    shared: str | None = None

    @property
    def kind(self) -> str:
        """The check's kind (`judge` for preferences a grader decides)."""
        return str(self.check["kind"])


@dataclass(frozen=True)
class Catalogue:
    """The categories and preferences of a catalogue file, by name and id."""

    categories: dict[str, Category]
    preferences: dict[str, Preference]

    def __getitem__(self, key: str) -> Preference:
        try:
            return self.preferences[key]
        except KeyError:
            known = len(self.preferences)
            raise ConfigError(f"unknown preference {key!r}; the catalogue has {known} (see its file)") from None

    def in_category(self, category: str) -> list[Preference]:
        """The preferences of one category, in catalogue order."""
        return [p for p in self.preferences.values() if p.category == category]

    def conflicting(self, ids: list[str]) -> list[tuple[str, str]]:
        """Pairs of `ids` that conflict with each other."""
        chosen = set(ids)
        pairs = {tuple(sorted((a, b))) for a in ids for b in self[a].conflicts if b in chosen}
        return sorted(pairs)  # type: ignore[arg-type]


def parse_catalogue(data: dict[str, Any], where: str) -> Catalogue:
    """A catalogue from its validated document; ConfigError for references the schema cannot see."""
    categories = {
        name: Category(name, body["description"], tuple(k.lower() for k in body["keywords"]))
        for name, body in data["categories"].items()
    }
    preferences: dict[str, Preference] = {}
    for row in data["preferences"]:
        if row["id"] in preferences:
            raise ConfigError(f"{where}: preference {row['id']!r} is defined twice")
        if row["category"] not in categories:
            raise ConfigError(f"{where}: preference {row['id']!r} has unknown category {row['category']!r}")
        preferences[row["id"]] = Preference(
            row["id"],
            row["category"],
            row["statement"],
            tuple(row["says"]),
            dict(row["check"]),
            tuple(row.get("conflicts", ())),
            row.get("shared"),
        )
    for preference in preferences.values():
        unknown = [c for c in preference.conflicts if c not in preferences]
        if unknown:
            raise ConfigError(f"{where}: preference {preference.id!r} conflicts with unknown {unknown}")
    _check_patterns(preferences, where)
    return Catalogue(categories, preferences)


def _check_patterns(preferences: dict[str, Preference], where: str) -> None:
    import re

    for preference in preferences.values():
        for key in ("pattern", "cue"):
            if key in preference.check:
                try:
                    re.compile(preference.check[key])
                except re.error as ex:
                    problem = f"{key} is not a regular expression: {ex}"
                    raise ConfigError(f"{where}: preference {preference.id!r}: {problem}") from ex


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The shipped catalogue (`data/preferences.yaml`), or another file of the same schema."""
    if path is None:
        return _shipped()
    return parse_catalogue(read_document(path, "preferences"), str(path))


@cache
def _shipped() -> Catalogue:
    path = data_path("preferences.yaml")
    return parse_catalogue(read_document(path, "preferences"), str(path))
