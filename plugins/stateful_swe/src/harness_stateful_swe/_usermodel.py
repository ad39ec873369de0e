"""A structured model of the user, kept in the user memory by the user-model agent (the `tom` role writes it)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

DISTIL_PROMPT = """\
Below are transcripts of earlier sessions between a coding agent and a developer. Write down what the \
developer wants from the agent, as JSON: {{"preferences": ["..."], "style": "...", "notes": ["..."]}}. \
Each preference is one short imperative sentence. Reply with the JSON only.

{transcripts}"""

UPDATE_PROMPT = """\
This is what you know about a developer, as JSON:
{model}

In today's session the agent asked and the developer answered:
{turns}

Reply with the updated JSON only (same keys: preferences, style, notes); keep what still holds."""


class _Shape(BaseModel):
    model_config = ConfigDict(extra="ignore")
    preferences: list[str] = []
    style: str = ""
    notes: list[str] = []


@dataclass
class UserModel:
    """What the agent believes about the user: preferences, how they talk, and loose notes."""

    preferences: list[str] = field(default_factory=list)
    style: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.preferences or self.style or self.notes)

    @classmethod
    def from_memory(cls, value: Any) -> UserModel:
        if not isinstance(value, dict):
            return cls()
        shape = _Shape.model_validate(value)
        return cls(list(shape.preferences), shape.style, list(shape.notes))

    def to_dict(self) -> dict[str, Any]:
        return {"preferences": self.preferences, "style": self.style, "notes": self.notes}

    def prompt(self) -> str:
        """The model as the agent's instructions."""
        lines = ["What you know about this developer (follow it):"]
        lines += [f"- {p}" for p in self.preferences]
        if self.style:
            lines.append(f"- They talk in this style: {self.style}")
        lines += [f"- Note: {n}" for n in self.notes]
        return "\n".join(lines)


def parse_model(text: str) -> UserModel | None:
    """The first JSON object of a reply as a user model, or None."""
    match = re.search(r"\{.*\}", text or "", re.DOTALL)
    if not match:
        return None
    try:
        shape = _Shape.model_validate(json.loads(match.group(0)))
    except (ValueError, ValidationError):
        return None
    return UserModel([str(p) for p in shape.preferences], shape.style, [str(n) for n in shape.notes])


async def _ask(prompt: str, role: str, max_tokens: int) -> str:
    from inspect_ai.model import GenerateConfig, get_model

    output = await get_model(role=role).generate(prompt, config=GenerateConfig(temperature=0.0, max_tokens=max_tokens))
    return output.completion


async def distil(history: list[dict[str, Any]], role: str, max_tokens: int) -> UserModel:
    """A user model from history transcripts; without a readable reply, the user's own words as notes."""
    transcripts = "\n\n".join(
        f"Session {s['session']} ({s['title']}):\n" + "\n".join(f"{t['role']}: {t['text']}" for t in s["turns"])
        for s in history
    )
    parsed = parse_model(await _ask(DISTIL_PROMPT.format(transcripts=transcripts[:12000]), role, max_tokens))
    if parsed is not None and not parsed.empty:
        return parsed
    said = [t["text"] for s in history for t in s["turns"] if t["role"] == "user"]
    return UserModel(notes=said)


async def update(model: UserModel, turns: list[tuple[str, str]], role: str, max_tokens: int) -> UserModel:
    """The model updated with a session's questions and answers; without a readable reply, the answers as notes."""
    shown = "\n".join(f"Agent: {q}\nDeveloper: {a}" for q, a in turns)
    parsed = parse_model(
        await _ask(UPDATE_PROMPT.format(model=json.dumps(model.to_dict()), turns=shown), role, max_tokens)
    )
    if parsed is not None and not parsed.empty:
        return parsed
    return UserModel(model.preferences, model.style, model.notes + [a for _, a in turns])
