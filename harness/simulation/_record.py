"""The conversation between an agent and its simulated user, as the sample store keeps it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

STORE_KEY = "harness.simulation"
"""Key of the sample store entry holding the conversation record (read by the results record)."""


@dataclass(frozen=True)
class ConversationTurn:
    """One question from the agent and the answer it got.

    Attributes:
        question: What the agent asked.
        answer: What the user answered (CONTINUE_MESSAGE when over budget).
        over_budget: The turn budget was spent, so the simulator was not asked.
        info: What the simulator recorded with its answer (e.g. `effort`, `similarity`).
    """

    question: str
    answer: str
    over_budget: bool = False
    info: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "over_budget": self.over_budget,
            "info": dict(self.info),
        }


@dataclass(frozen=True)
class ConversationRecord:
    """A sample's conversation with its simulated user.

    Attributes:
        simulator: Name of the simulator that answered (None when the agent never asked).
        max_turns: Its turn budget.
        turns: Every question, in order, including those asked over budget.
        ended: The simulator ended the conversation.
    """

    simulator: str | None = None
    max_turns: int | None = None
    turns: tuple[ConversationTurn, ...] = ()
    ended: bool = False

    @property
    def asked(self) -> tuple[ConversationTurn, ...]:
        """The turns the simulator answered (within the budget)."""
        return tuple(t for t in self.turns if not t.over_budget)

    def with_turn(self, turn: ConversationTurn, *, ended: bool = False) -> ConversationRecord:
        return replace(self, turns=(*self.turns, turn), ended=self.ended or ended)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form kept in the sample store (and so in the inspect log)."""
        return {
            "simulator": self.simulator,
            "max_turns": self.max_turns,
            "turns": [t.to_dict() for t in self.turns],
            "ended": self.ended,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ConversationRecord:
        """Read the store's JSON form; None or {} is an empty record."""
        if not data:
            return cls()
        return cls(
            simulator=data.get("simulator"),
            max_turns=data.get("max_turns"),
            turns=tuple(
                ConversationTurn(
                    question=str(t.get("question", "")),
                    answer=str(t.get("answer", "")),
                    over_budget=bool(t.get("over_budget", False)),
                    info=MappingProxyType(dict(t.get("info") or {})),
                )
                for t in data.get("turns", [])
            ),
            ended=bool(data.get("ended", False)),
        )


def conversation_record() -> ConversationRecord:
    """The current sample's conversation record (call it inside a sample: solver, tool or scorer)."""
    from inspect_ai.util import store

    return ConversationRecord.from_dict(store().get(STORE_KEY))


def save_conversation_record(record: ConversationRecord) -> None:
    from inspect_ai.util import store

    store().set(STORE_KEY, record.to_dict())
