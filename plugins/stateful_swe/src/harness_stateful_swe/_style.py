"""How each profile style puts things: the same preference, said tersely, bluntly, chattily, formally or warmly."""

from __future__ import annotations

STYLES = {
    "terse": "Short and to the point.",
    "blunt": "Direct, a little impatient, no softening.",
    "chatty": "Talkative and warm, with asides.",
    "formal": "Polite, complete sentences, no slang.",
    "friendly": "Warm and relaxed.",
}
"""Each style and how a role-playing model should talk in it."""

_OPENERS = {
    "terse": "",
    "blunt": "",
    "chatty": "Oh, good that you ask! ",
    "formal": "Thank you for asking. ",
    "friendly": "Sure! ",
}
_CLOSERS = {
    "terse": "",
    "blunt": " Not negotiable.",
    "chatty": " Anyway, that's me.",
    "formal": " I would appreciate that.",
    "friendly": " Thanks!",
}
_NOTHING = {
    "terse": "No preference.",
    "blunt": "Don't care. Your call.",
    "chatty": "Hmm, I don't really have strong feelings about that one, go with what you think is best.",
    "formal": "I have no particular preference on that point.",
    "friendly": "No strong feelings there, whatever you think works!",
}
_THANKS = {
    "terse": "Thanks.",
    "blunt": "Fine.",
    "chatty": "Thanks so much, that's really helpful!",
    "formal": "Thank you, that is satisfactory.",
    "friendly": "Thanks, looks good!",
}


def phrase(style: str, sayings: list[str]) -> str:
    """A reply that says these things in the style."""
    body = " ".join(sayings)
    return f"{_OPENERS.get(style, '')}{body}{_CLOSERS.get(style, '')}".strip()


def no_preference(style: str) -> str:
    """What the user says when asked about something they have no preference on."""
    return _NOTHING.get(style, _NOTHING["terse"])


def thanks(style: str) -> str:
    """How the user closes a session."""
    return _THANKS.get(style, _THANKS["terse"])
