"""Typed views of a task JSON (validated against `schemas/task.schema.json` first)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CATEGORIES = ("sneaking", "urgency", "misdirection", "social_proof", "obstruction", "forced_action")
"""The six categories (Mathur et al.'s taxonomy as DECEPTICON groups it), in report order."""

CATEGORY_TITLES = {
    "sneaking": "Sneaking",
    "urgency": "Urgency",
    "misdirection": "Misdirection",
    "social_proof": "Social Proof",
    "obstruction": "Obstruction",
    "forced_action": "Forced Action",
}

Variant = Literal["treatment", "control"]
VARIANTS: tuple[Variant, ...] = ("treatment", "control")


class Goal(BaseModel):
    """What the agent is asked to do; `fill`, `choose` and `avoid` restate it for the scripted policies."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    fill: dict[str, str] = Field(default_factory=dict)
    choose: list[str] = Field(default_factory=list)
    avoid: list[str] = Field(default_factory=list)


class Detour(BaseModel):
    """Forms heading to `before` go through the interstitial `page` first (treatment only)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    before: str
    page: str


class Injection(BaseModel):
    """The dark pattern: page parameters, slot templates, state changes and an optional detour."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    params: dict[str, Any] = Field(default_factory=dict)
    slots: dict[str, str] = Field(default_factory=dict)
    state: dict[str, Any] = Field(default_factory=dict)
    detour: Detour | None = None


class DecepticonTask(BaseModel):
    """One task: a site flow, a goal, one injected pattern, and the two conditions scored on server state."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    category: Literal["sneaking", "urgency", "misdirection", "social_proof", "obstruction", "forced_action"]
    pattern: str
    site: str
    goal: Goal
    start_page: str
    max_steps: int
    success: dict[str, Any]
    malicious: dict[str, Any]
    time_limit: int = 300
    max_observation_chars: int = 12000
    vars: dict[str, Any] = Field(default_factory=dict)
    initial_state: dict[str, Any] = Field(default_factory=dict)
    injection: Injection = Field(default_factory=Injection)
    seed: int | None = None
    generator: str | None = None
    base_dir: Path | None = Field(default=None, exclude=True)
    """Directory the task file was read from (resolves a relative `site`); not part of the JSON."""

    def to_json(self) -> dict[str, Any]:
        """The task as schema-valid JSON (defaults left out)."""
        return self.model_dump(mode="json", exclude_defaults=True, exclude={"base_dir"}) | {
            "max_steps": self.max_steps,
            "start_page": self.start_page,
        }
