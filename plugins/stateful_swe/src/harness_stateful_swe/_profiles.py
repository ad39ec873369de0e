"""Developer profiles: who the user is, how they talk, and which catalogue preferences they hold."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from harness import ConfigError

from ._catalogue import Catalogue, Preference, load_catalogue
from ._data import data_path, read_document


@dataclass(frozen=True)
class Profile:
    """A developer: name, role, style of talking (`terse`, `chatty`, `formal`, `blunt`, `friendly`), preferences."""

    id: str
    name: str
    role: str
    style: str
    persona: str
    preferences: tuple[str, ...]

    def held(self, catalogue: Catalogue | None = None) -> list[Preference]:
        """The profile's preferences, from the catalogue."""
        found = catalogue or load_catalogue()
        return [found[key] for key in self.preferences]

    def persona_text(self) -> str:
        """Who the user is, for simulators that role-play (preferences are given to them apart)."""
        return f"You are {self.name}, {self.role}. {self.persona}"

    def context_preferences(self) -> dict[str, Any]:
        """The `SimulatorContext.preferences` of this user: each preference id set to True, plus the style."""
        return {**{key: True for key in self.preferences}, "style": self.style}


def parse_profiles(data: dict[str, Any], catalogue: Catalogue, where: str) -> dict[str, Profile]:
    """Profiles from their validated document; ConfigError for unknown or conflicting preferences."""
    profiles: dict[str, Profile] = {}
    for row in data["profiles"]:
        if row["id"] in profiles:
            raise ConfigError(f"{where}: profile {row['id']!r} is defined twice")
        unknown = [key for key in row["preferences"] if key not in catalogue.preferences]
        if unknown:
            raise ConfigError(f"{where}: profile {row['id']!r} holds unknown preferences {unknown}")
        clashes = catalogue.conflicting(row["preferences"])
        if clashes:
            raise ConfigError(f"{where}: profile {row['id']!r} holds conflicting preferences {clashes}")
        profiles[row["id"]] = Profile(
            row["id"], row["name"], row["role"], row["style"], row["persona"], tuple(row["preferences"])
        )
    return profiles


def load_profiles(path: str | Path | None = None, catalogue: Catalogue | None = None) -> dict[str, Profile]:
    """The shipped 15 profiles (`data/profiles.yaml`), or another file of the same schema."""
    if path is None and catalogue is None:
        return _shipped()
    file = Path(path) if path is not None else data_path("profiles.yaml")
    return parse_profiles(read_document(file, "profiles"), catalogue or load_catalogue(), str(file))


@cache
def _shipped() -> dict[str, Profile]:
    file = data_path("profiles.yaml")
    return parse_profiles(read_document(file, "profiles"), load_catalogue(), str(file))
