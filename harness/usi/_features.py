"""The behavioural features of a conversation's user turns, in the Sim2Real study's four dimensions.

Each feature is one number per conversation (NaN where it is undefined, e.g. repetition in a
one-turn conversation); a set's feature value is the mean over its conversations. Rates are the
share of the conversation's user turns that show the marker (see `_text` and the docs page).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

import harness.usi._text as t
from harness.usi._conversations import Conversation

DIMENSIONS = {
    "D1": "communication style",
    "D2": "information pattern",
    "D3": "clarification behaviour",
    "D4": "error reaction",
}
"""The four behavioural dimensions of the User-Simulation Index, by key."""

REPEAT_OVERLAP = 0.5
"""A later user turn repeats an earlier one when their content words overlap this much (Jaccard)."""


@dataclass(frozen=True)
class Feature:
    """One behavioural feature: its dimension, what it measures, and how (per conversation)."""

    name: str
    dimension: str
    description: str
    measure: Callable[[list[str]], float]


def _share(test: Callable[[str], bool]) -> Callable[[list[str]], float]:
    def share(texts: list[str]) -> float:
        return sum(1 for text in texts if test(text)) / len(texts)

    return share


def _words_per_turn(texts: list[str]) -> float:
    return float(np.mean([len(t.words(text)) for text in texts]))


def _details_per_turn(texts: list[str]) -> float:
    return float(np.mean([len(t.details(text)) for text in texts]))


def _details_per_conversation(texts: list[str]) -> float:
    return float(len(set().union(*(t.details(text) for text in texts))))


def _front_loading(texts: list[str]) -> float:
    first_told: dict[str, int] = {}
    for position, text in enumerate(texts):
        for detail in t.details(text):
            first_told.setdefault(detail, position)
    if not first_told:
        return math.nan
    return float(np.mean([1 - position / len(texts) for position in first_told.values()]))


def _first_turn_share(texts: list[str]) -> float:
    total = sum(len(t.words(text)) for text in texts)
    return len(t.words(texts[0])) / total if total else math.nan


def _repetition(texts: list[str]) -> float:
    if len(texts) < 2:
        return math.nan
    seen = [t.content_words(texts[0])]
    repeats = 0
    for text in texts[1:]:
        mine = t.content_words(text)
        overlaps = [len(mine & earlier) / len(mine | earlier) for earlier in seen if mine | earlier]
        repeats += bool(mine) and max(overlaps, default=0.0) >= REPEAT_OVERLAP
        seen.append(mine)
    return repeats / (len(texts) - 1)


FEATURES: tuple[Feature, ...] = (
    Feature("words_per_turn", "D1", "mean words per user turn", _words_per_turn),
    Feature("user_turns", "D1", "user turns in the conversation", lambda texts: float(len(texts))),
    Feature(
        "politeness",
        "D1",
        "share of turns with a politeness marker (please, thanks, sorry)",
        _share(lambda x: t.has(t.POLITENESS, x)),
    ),
    Feature(
        "informality",
        "D1",
        "share of turns written informally (lower-case start, no end mark, ok/yeah/pls)",
        _share(t.is_informal),
    ),
    Feature(
        "details_per_turn", "D2", "mean details (numbers, codes, dates, names) given per user turn", _details_per_turn
    ),
    Feature(
        "details_total", "D2", "distinct details the user gives in the whole conversation", _details_per_conversation
    ),
    Feature(
        "front_loading",
        "D2",
        "how early details come: mean of 1 - i/k over distinct details first told in "
        "user turn i (0-based) of k; 1 when all come in the first turn",
        _front_loading,
    ),
    Feature("first_turn_share", "D2", "share of the user's words in the first user turn", _first_turn_share),
    Feature("questions", "D3", "share of turns in which the user asks something", _share(t.is_question)),
    Feature(
        "clarifications",
        "D3",
        "share of turns asking the agent to explain (what do you mean?)",
        _share(lambda x: t.has(t.CLARIFICATION, x)),
    ),
    Feature(
        "uncertainty",
        "D3",
        "share of turns with hedging (not sure, I think, maybe, don't remember)",
        _share(lambda x: t.has(t.UNCERTAINTY, x)),
    ),
    Feature("terse_replies", "D3", "share of turns of three words or fewer", _share(lambda x: len(t.words(x)) <= 3)),
    Feature(
        "frustration",
        "D4",
        "share of turns with frustration or complaint markers (or shouting)",
        _share(t.is_frustrated),
    ),
    Feature(
        "corrections",
        "D4",
        "share of turns correcting the agent (no, that's wrong, I said, actually)",
        _share(t.is_correction),
    ),
    Feature(
        "repetition",
        "D4",
        "share of later turns repeating an earlier user turn (content-word Jaccard >= 0.5)",
        _repetition,
    ),
    Feature(
        "escalation",
        "D4",
        "share of turns giving up or escalating (manager, forget it, real person)",
        _share(lambda x: t.has(t.ESCALATION, x)),
    ),
)
"""Every feature, grouped by dimension in D1-D4 order."""


def feature_matrix(conversations: Sequence[Conversation]) -> np.ndarray:
    """Features of each conversation: shape (conversations, features), NaN where undefined."""
    rows = []
    for conversation in conversations:
        texts = conversation.user_texts
        rows.append([feature.measure(texts) if texts else math.nan for feature in FEATURES])
    return np.array(rows, dtype=float).reshape(len(conversations), len(FEATURES))
