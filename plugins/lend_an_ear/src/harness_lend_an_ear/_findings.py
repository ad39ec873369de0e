"""The moves found in each supporter turn of a conversation, by the lexical detectors and/or the LLM judge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ._judge import Rubric, judge_turn
from ._lexical import detect
from ._moves import MOVES, Finding

Judge = Literal["llm", "lexical", "both"]
JUDGES = ("llm", "lexical", "both")
COACH_METADATA = "lend_an_ear"
"""Messages whose metadata has this key set to `coach` are coaching, not part of the conversation."""


@dataclass(frozen=True)
class TurnFindings:
    """One supporter turn, what the seeker had just said, and the moves found in it."""

    index: int
    seeker: str
    supporter: str
    lexical: dict[str, Finding] | None = None
    llm: dict[str, Finding] | None = None
    llm_answer: str | None = None

    def primary(self) -> dict[str, Finding]:
        """The findings `alignment` uses: the LLM judge's when it ran (with `both`, the lexical finding for a
        move the judge left unanswered), else the lexical detectors'."""
        if self.llm is None:
            assert self.lexical is not None
            return self.lexical
        if self.lexical is None:
            return self.llm
        return {m: self.llm[m] if self.llm[m].present is not None else self.lexical[m] for m in MOVES}

    def agreement(self) -> list[bool]:
        """For each move both sources answered: whether they agree."""
        if self.llm is None or self.lexical is None:
            return []
        return [self.llm[m].present == self.lexical[m].present for m in MOVES if self.llm[m].present is not None]

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "supporter": self.supporter,
            "lexical": {m: f.to_json() for m, f in self.lexical.items()} if self.lexical else None,
            "llm": {m: f.to_json() for m, f in self.llm.items()} if self.llm else None,
            "llm_answer": self.llm_answer,
        }


def is_coaching(message: Any) -> bool:
    """Whether a chat message is coaching feedback (only the supporter sees it)."""
    return (getattr(message, "metadata", None) or {}).get(COACH_METADATA) == "coach"


def supporter_turns(messages: Sequence[Any]) -> list[tuple[str, str]]:
    """(what the seeker had just said, the supporter's turn) for each assistant message of a conversation."""
    pairs, seeker = [], ""
    for message in messages:
        if message.role == "user" and not is_coaching(message):
            seeker = message.text
        elif message.role == "assistant":
            pairs.append((seeker, message.text))
    return pairs


async def find_moves(
    pairs: Sequence[tuple[str, str]], judge: Judge, rubric: Rubric, start: int = 0, max_tokens: int = 160
) -> list[TurnFindings]:
    """The findings of each (seeker, supporter) pair; `start` numbers the first pair."""
    results = []
    for offset, (seeker, supporter) in enumerate(pairs):
        lexical = detect(supporter) if judge in ("lexical", "both") else None
        llm, answer = (
            (await judge_turn(seeker, supporter, rubric, max_tokens)) if judge in ("llm", "both") else (None, None)
        )
        results.append(TurnFindings(start + offset, seeker, supporter, lexical, llm, answer))
    return results


def as_findings(turns: Sequence[TurnFindings], source: Literal["primary", "lexical"]) -> list[dict[str, Finding]]:
    """The per-turn finding maps of one source (turns without it are left out)."""
    if source == "primary":
        return [t.primary() for t in turns]
    return [t.lexical for t in turns if t.lexical is not None]


def unanswered(turns: Sequence[TurnFindings]) -> int:
    """How many (turn, move) answers the LLM judge left unusable."""
    return sum(1 for t in turns if t.llm for m in MOVES if t.llm[m].present is None)
