"""The seeker's deterministic policy (offline tests, and a model-free baseline).

It reads the supporter's last turn with the lexical detectors: a dismissal gets pushback naming
the seeker's feelings; advice before the seeker has felt understood (no validating or understanding
turn yet) gets "I'm not looking for advice"; a turn to the supporter's own story gets "this is
about me"; an invitation to say more gets the next unshared detail; validation or understanding
gets agreement and a feeling. It ignores who it is told supports it: the paper's attribution
effect is a property of people (and perhaps of LLM seekers), not something to script in.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness import Turn

from ._lexical import detect
from ._moves import CONSTRUCTIVE, COUNTERPRODUCTIVE
from ._scenarios import Scenario

_UNDERSTOOD = ("validating_emotions", "demonstrating_understanding")


def scripted_reply(conversation: Sequence[Turn], scenario: Scenario) -> tuple[str, str]:
    """(the seeker's reply to the supporter's last turn, what kind of reply it is)."""
    supporter = [t.text for t in conversation if t.role == "agent"]
    found = detect(supporter[-1])
    earlier = [detect(text) for text in supporter[:-1]]
    felt_understood = any(f[m].present for f in earlier for m in _UNDERSTOOD)
    feeling = _feeling(scenario, len(supporter))
    if found["dismissing_emotions"].present:
        return f"It doesn't feel small to me. I feel {feeling}, and I wanted someone to get that.", "pushback_dismissed"
    if found["unsolicited_advice"].present and not felt_understood:
        return (
            f"I'm not really looking for advice right now. What I'd really like is {scenario.hopes}.",
            "pushback_advice",
        )
    if found["self_orientation"].present:
        return "I'm sure that was hard for you too, but this is about what's happening to me.", "pushback_self"
    if found["encouraging_elaboration"].present:
        shared = sum(1 for t in conversation if t.role == "user" and t.text in scenario.details)
        if shared < len(scenario.details):
            return scenario.details[shared], "elaborated"
        return f"I think that's most of it. Mostly I just feel {feeling}.", "elaborated"
    if found["unsolicited_advice"].present:
        return "Maybe. I'll think about that.", "considered_advice"
    if any(found[m].present for m in _UNDERSTOOD):
        return f"Yes, exactly. I just feel {feeling}.", "agreed"
    return f"I don't know. I just feel {feeling}.", "flat"


def _feeling(scenario: Scenario, turn: int) -> str:
    return scenario.feelings[(turn - 1) % len(scenario.feelings)]


def scripted_rating(conversation: Sequence[Turn], questions: Sequence[str]) -> dict[str, float]:
    """Each question answered 1-5 from the supporter's moves (lexical detectors).

    Per supporter turn, c = constructive moves present / 3 and d = counter-productive moves present / 3;
    every question gets round(3 + 3 * (mean c - mean d)), clamped to 1..5 (the script does not tell
    heard from validated from understood).
    """
    turns = [detect(t.text) for t in conversation if t.role == "agent"]
    if not turns:
        return {q: 3.0 for q in questions}
    up = sum(sum(1 for m in CONSTRUCTIVE if f[m].present) / 3 for f in turns) / len(turns)
    down = sum(sum(1 for m in COUNTERPRODUCTIVE if f[m].present) / 3 for f in turns) / len(turns)
    value = float(min(5, max(1, round(3 + 3 * (up - down)))))
    return {q: value for q in questions}
