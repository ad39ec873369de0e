"""The six moves of empathic expression (Lend an Ear's taxonomy) and the alignment formula."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

CONSTRUCTIVE = ("validating_emotions", "encouraging_elaboration", "demonstrating_understanding")
"""Moves normative empathic communication asks for."""

COUNTERPRODUCTIVE = ("unsolicited_advice", "self_orientation", "dismissing_emotions")
"""Moves that make a seeker feel less heard."""

MOVES = CONSTRUCTIVE + COUNTERPRODUCTIVE

TITLES = {
    "validating_emotions": "Validating emotions",
    "encouraging_elaboration": "Encouraging elaboration",
    "demonstrating_understanding": "Demonstrating understanding",
    "unsolicited_advice": "Unsolicited advice",
    "self_orientation": "Self-orientation",
    "dismissing_emotions": "Dismissing emotions",
}


@dataclass(frozen=True)
class Finding:
    """Whether one move is present in one supporter turn, and the words that show it.

    Attributes:
        move: One of MOVES.
        present: The move is there (None: the judge gave no usable answer for it).
        evidence: The span of the turn that shows the move ("" when absent).
        source: Who decided: `lexical` or `llm`.
    """

    move: str
    present: bool | None
    evidence: str = ""
    source: str = "lexical"

    def to_json(self) -> dict[str, object]:
        return {"move": self.move, "present": self.present, "evidence": self.evidence, "source": self.source}


def move_rates(turns: Sequence[Mapping[str, Finding]]) -> dict[str, float | None]:
    """Per move, the share of supporter turns where it is present (turns the judge left unanswered are left out)."""
    rates: dict[str, float | None] = {}
    for move in MOVES:
        answers = [t[move].present for t in turns if move in t and t[move].present is not None]
        rates[move] = sum(1.0 for a in answers if a) / len(answers) if answers else None
    return rates


def alignment(rates: Mapping[str, float | None]) -> float | None:
    """Alignment with normative empathic communication, in [-1, 1].

    alignment = mean(rate of each constructive move) - mean(rate of each counter-productive move),
    where a move's rate is the share of the conversation's supporter turns that show it. +1: every
    turn validates, invites elaboration and shows understanding, and none advises, turns to the
    supporter's own story or dismisses; -1: the reverse. None when a move has no rate.
    """
    if any(rates.get(m) is None for m in MOVES):
        return None
    up = sum(float(rates[m] or 0.0) for m in CONSTRUCTIVE) / len(CONSTRUCTIVE)
    down = sum(float(rates[m] or 0.0) for m in COUNTERPRODUCTIVE) / len(COUNTERPRODUCTIVE)
    return up - down
