"""Conversations: the unit `harness usi` measures, and the JSONL file format that carries them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from harness._errors import HarnessError

SCHEMA_FILE = "conversation.schema.json"
"""The JSON Schema of one line of a conversations file (in `harness/schemas/`)."""


class UsiInputError(HarnessError):
    """A conversations file, run directory or setting that `harness usi` cannot use (one line, exit 2)."""


@dataclass(frozen=True)
class ConversationTurn:
    """One message: the user seat's (`user`) or the agent's (`agent`)."""

    role: Literal["user", "agent"]
    text: str


@dataclass(frozen=True)
class Conversation:
    """One agent-user conversation with its outcome.

    Attributes:
        id: Sample id; conversations of two sets with the same id are paired.
        task: Task (or task instance) the conversation worked on.
        turns: The messages in order.
        success: 1 when the agent completed the task, else 0.
        difficulty: Task difficulty 1-5, when known.
        ratings: The user seat's survey answers about the agent (question -> rating).
        seat: Who sat in the user seat, when known.
    """

    id: str
    task: str
    turns: tuple[ConversationTurn, ...]
    success: int
    difficulty: int | None = None
    ratings: Mapping[str, float] = field(default_factory=dict)
    seat: str | None = None

    @property
    def user_texts(self) -> list[str]:
        """The user seat's messages, in order."""
        return [t.text for t in self.turns if t.role == "user"]

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of one line of a conversations file."""
        data: dict[str, Any] = {
            "id": self.id,
            "task": self.task,
            "turns": [{"role": t.role, "text": t.text} for t in self.turns],
            "success": self.success,
        }
        if self.difficulty is not None:
            data["difficulty"] = self.difficulty
        if self.ratings:
            data["ratings"] = dict(self.ratings)
        if self.seat:
            data["seat"] = self.seat
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Conversation:
        """A conversation from a (schema-valid) JSON object."""
        return cls(
            id=str(data["id"]),
            task=str(data["task"]),
            turns=tuple(ConversationTurn(t["role"], t["text"]) for t in data["turns"]),
            success=int(data["success"]),
            difficulty=data.get("difficulty"),
            ratings={str(k): float(v) for k, v in (data.get("ratings") or {}).items()},
            seat=data.get("seat"),
        )


def conversation_schema() -> dict[str, Any]:
    """The JSON Schema of one conversation (one line of a conversations file)."""
    from harness.config._schemas import load_schema

    return load_schema(SCHEMA_FILE)


def check_conversation(data: Any, where: str) -> None:
    """Validate one conversation object against the schema.

    Raises:
        UsiInputError: `where: what is wrong`, naming the key.
    """
    from harness.config._validation import validate

    validate(data, conversation_schema(), error=UsiInputError, where=lambda _: where)


def read_conversations(path: str | Path) -> list[Conversation]:
    """Read a conversations file (JSONL, one conversation per line; blank lines are skipped).

    Raises:
        UsiInputError: The file is missing, or a line is not JSON or not a conversation
            (`FILE:LINE: ...`), or an id appears twice.
    """
    file = Path(path)
    if not file.is_file():
        raise UsiInputError(f"{file}: no such conversations file or run directory (give a .jsonl file or a run dir)")
    found: list[Conversation] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(file.read_text(encoding="utf-8-sig", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{file}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise UsiInputError(f"{where}: not JSON ({error.msg}); each line must be one conversation object") from None
        check_conversation(data, where)
        conversation = Conversation.from_dict(data)
        if conversation.id in seen:
            raise UsiInputError(f"{where}: id '{conversation.id}' already used on line {seen[conversation.id]}")
        seen[conversation.id] = number
        found.append(conversation)
    return found


def write_conversations(conversations: Iterable[Conversation], path: str | Path) -> Path:
    """Write conversations as JSONL (each line validated first); returns the path written."""
    file = Path(path)
    lines = []
    for conversation in conversations:
        data = conversation.to_dict()
        check_conversation(data, f"conversation {conversation.id}")
        lines.append(json.dumps(data, ensure_ascii=False))
    if file.parent and not file.parent.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return file


def by_id(conversations: Sequence[Conversation]) -> dict[str, Conversation]:
    """The conversations keyed by id."""
    return {c.id: c for c in conversations}
