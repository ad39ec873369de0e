"""User profiles for personalization: preferences a simulated user has about being asked.

Each preference has a check that says whether one question respects it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Preference:
    """A preference, how the user states it, and whether a question complies."""

    key: str
    statement: str
    complies: Callable[[str], bool]


PREFERENCES = {
    "one_question_at_a_time": Preference(
        "one_question_at_a_time", "Ask me one question at a time.", lambda q: q.count("?") <= 1
    ),
    "no_questions": Preference(
        "no_questions", "I do not want to be asked anything; work it out yourself.", lambda q: False
    ),
    "brief": Preference("brief", "Keep your questions short (at most 25 words).", lambda q: len(q.split()) <= 25),
}

PROFILES: dict[str, tuple[str, ...]] = {
    "none": (),
    "one_question": ("one_question_at_a_time",),
    "no_questions": ("no_questions",),
    "brief": ("brief", "one_question_at_a_time"),
}
"""Profile name → its preferences (task.user_profile=NAME)."""


def persona_for(profile: str) -> str:
    """The persona text a role-playing simulator is given for the profile."""
    return " ".join(PREFERENCES[key].statement for key in PROFILES[profile])


def violations(question: str, preferences: dict[str, bool]) -> list[str]:
    """The preferences this question breaks."""
    return [
        key for key, on in preferences.items() if on and key in PREFERENCES and not PREFERENCES[key].complies(question)
    ]
