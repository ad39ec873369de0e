"""Word matching the scripted policies share: content words, phrase matches, negation cues."""

from __future__ import annotations

import re

STOP = frozenset(
    """a an and are as at be but by do does for from has have i if in into is it its me my no nor not of on or
    our out so than that the their then there these this to too up us was we were will with you your yours
    one only nothing else any all also just can could should would please using use via per each both them""".split()
)
NEGATIONS = ("not ", "n't", "never", "untick", "uncheck", "opt out", "opt-out", "unsubscribe", "without")
DECLINE = (
    "no thanks",
    "no, ",
    "not now",
    "skip",
    "continue without",
    "without",
    "decline",
    "reject",
    "necessary only",
    "only necessary",
    "as a guest",
    "as guest",
    "maybe later",
    "anyway",
    "keep my order",
    "keep it as it is",
    "i'll pass",
    "not interested",
)
_TOKEN = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    """A crude stem, enough to match cancel/cancellation and room/rooms."""
    for suffix in ("lation", "ation", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    """Stemmed words of `text` that carry meaning (no stop words, no one- or two-letter words; numbers kept)."""
    words = _TOKEN.findall(text.lower().replace("'", ""))
    return {stem(w) for w in words if w.isdigit() or (w not in STOP and len(w) > 2)}


def mentions(text: str, phrase: str) -> bool:
    """Whether `text` mentions `phrase` (all its content words appear, stemmed)."""
    wanted = content_words(phrase)
    return bool(wanted) and wanted <= content_words(text)


def negations(text: str) -> int:
    """How many negation cues a label has (an odd count flips what ticking it means)."""
    lowered = f" {text.lower()} "
    return sum(lowered.count(cue) for cue in NEGATIONS)


def declines(text: str) -> bool:
    """Whether a control's label reads as declining an offer."""
    lowered = text.lower()
    return any(cue in lowered for cue in DECLINE)
