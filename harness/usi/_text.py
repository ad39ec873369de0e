"""Text measures of one user turn: words, details (facts the user gives), and marker phrases.

Lexical on purpose: no model, deterministic, and the same for a simulator's turns and a person's.
The marker lists are the harness's own reading of the Sim2Real study's feature descriptions
(docs/users-in-the-loop.md lists them); they are English-only.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'@._/#-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)([A-Za-z][\w'-]*)")
_DIGIT = re.compile(r"\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_CALENDAR = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"today|tomorrow|yesterday|morning|evening|afternoon|tonight|weekend)\b"
)
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each either else even ever every few for from
    further had has have having he her here hers herself him himself his how i if in into is it its itself just
    me might more most much must my myself no nor not now of off on once only or other ought our ours ourselves
    out over own same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up upon us very was we were what when where which while who whom whose
    why will with would yet you your yours yourself yourselves""".split()
)
"""Function words left out of content words (repetition) and never taken for names."""

_NOT_NAMES = frozenset(
    {
        "i", "ok", "okay", "hi", "hello", "hey", "thanks", "thank", "yes", "no", "sure", "please", "yep", "yeah",
        "nope", "done", "great", "fine", "correct", "right", "perfect", "good", "alright", "cool", "sorry", "well",
        "actually", "just", "maybe", "hmm", "ugh", "oh", "wait", "still", "again",
    }
)  # fmt: skip


def _markers(*phrases: str) -> re.Pattern[str]:
    """One pattern for marker phrases: a word phrase must stand as whole words, a punctuation one anywhere."""
    words = "|".join(p for p in phrases if p[0].isalnum())
    marks = [p for p in phrases if not p[0].isalnum()]
    return re.compile("|".join([rf"(?<![\w'])(?:{words})(?![\w'])", *marks] if words else marks))


POLITENESS = _markers(
    "please",
    "pls",
    "plz",
    "thanks?",
    "thank you",
    "thx",
    "ty",
    "appreciate[ds]?",
    "sorry",
    "kindly",
    "would you mind",
    "cheers",
    "much obliged",
    "grateful",
)
INFORMAL_WORDS = _markers(
    "lol",
    "pls",
    "plz",
    "u",
    "ur",
    "ok",
    "okay",
    "k",
    "yeah",
    "yep",
    "yup",
    "nope",
    "gonna",
    "wanna",
    "gotta",
    "idk",
    "btw",
    "thx",
    "hmm+",
    "ugh+",
    "kinda",
    "dunno",
    "y'all",
    "cuz",
)
QUESTION_START = _markers(
    "what",
    "why",
    "how",
    "when",
    "where",
    "which",
    "who",
    "can",
    "could",
    "would",
    "will",
    "do",
    "does",
    "did",
    "is",
    "are",
    "should",
    "shall",
    "may",
)
CLARIFICATION = _markers(
    "what do you mean",
    "what does that mean",
    "what is that",
    "can you explain",
    "could you explain",
    "can you clarify",
    "could you clarify",
    "i don't understand",
    "i do not understand",
    "i dont understand",
    "not sure what you mean",
    "which one",
    "huh",
    "come again",
    "say that again",
    "repeat that",
    "meaning what",
    "what are you asking",
    "confused",
    "confusing",
)
UNCERTAINTY = _markers(
    "not sure",
    "i think",
    "maybe",
    "perhaps",
    "probably",
    "i guess",
    "i don't know",
    "i do not know",
    "i dont know",
    "don't remember",
    "do not remember",
    "dont remember",
    "can't remember",
    "cannot remember",
    "idk",
    "i believe",
    "might be",
    "not certain",
    "no idea",
    "or something",
    "i suppose",
    "possibly",
)
FRUSTRATION = _markers(
    "frustrat\\w*",
    "annoy\\w*",
    "ridiculous",
    "ugh+",
    "seriously",
    "unacceptable",
    "terrible",
    "useless",
    "waste of time",
    "wasting",
    "not helpful",
    "unhelpful",
    "come on",
    "already told you",
    "already said",
    "i just said",
    "how many times",
    "still not",
    "still wrong",
    "this is taking",
    "taking forever",
    "fed up",
    "sick of",
    "wtf",
    "omg",
    "for the last time",
    "!!+",
    "not again",
    "again\\?",
)
CORRECTION = _markers(
    "that's wrong",
    "that is wrong",
    "thats wrong",
    "that's not",
    "that is not",
    "thats not",
    "not what i",
    "i said",
    "i meant",
    "i mean",
    "actually",
    "incorrect",
    "wrong",
    "not right",
    "you misunderstood",
    "misunderstood",
    "no no",
    "not that one",
    "the other one",
    "instead",
)
CORRECTION_START = re.compile(r"^\W*(?:no|nope|nah)\b")
CLOSING = _markers(
    "that's all",
    "thats all",
    "that is all",
    "that will be all",
    "nothing else",
    "that's it",
    "thats it",
    "thanks?",
    "thank you",
    "all good",
    "i'm good",
    "im good",
    "all set",
)
ESCALATION = _markers(
    "manager",
    "supervisor",
    "human agent",
    "real person",
    "a human",
    "representative",
    "speak to someone",
    "talk to someone",
    "forget it",
    "never mind",
    "nevermind",
    "give up",
    "giving up",
    "go elsewhere",
    "complaint",
    "complain",
    "cancel everything",
    "not worth it",
    "i'm done",
    "im done",
)
_ALL_CAPS = re.compile(r"\b[A-Z]{4,}\b")
_END_PUNCTUATION = re.compile(r"[.!?)\]\"']\s*$")


def words(text: str) -> list[str]:
    """The words of a text (letters and digits, with the marks inside codes and emails kept)."""
    return _WORD.findall(text)


def content_words(text: str) -> set[str]:
    """Lower-cased words of a text, without stop words."""
    stop = STOP_WORDS
    return {w.lower().strip("'.-") for w in words(text)} - stop - {""}


def details(text: str) -> set[str]:
    """The specifics a text gives, lower-cased: numbers, codes, emails, dates and times, and names.

    A name is a capitalised word that is not a stop word or a stock reply (yes, sure, thanks). Inside
    a sentence every such word counts; one that opens a sentence counts when it stands alone or next
    to another capitalised word (`Boston.`, `Mia Chen`), since an opening capital says nothing.
    """
    found = {m.group(0).lower() for m in _EMAIL.finditer(text)}
    starts = {m.start(1) for m in _SENTENCE_START.finditer(text)}
    matches = list(_WORD.finditer(text))
    for index, match in enumerate(matches):
        word = match.group(0).rstrip(".'-")
        lower = word.lower()
        if _DIGIT.search(word) or _CALENDAR.fullmatch(lower):
            found.add(lower)
        elif word[:1].isupper() and not _common(lower):
            if match.start() not in starts or _name_opens(matches, index, starts):
                found.add(lower)
    return found


def _common(lower: str) -> bool:
    return lower in _NOT_NAMES or lower in STOP_WORDS or lower.startswith("i'")


def _name_opens(matches: list[re.Match[str]], index: int, starts: set[int]) -> bool:
    """The sentence-opening word at `index` is a name: the sentence has no other word, or the next is capitalised."""
    following = matches[index + 1] if index + 1 < len(matches) else None
    if following is None or following.start() in starts:
        return True
    return following.group(0)[:1].isupper() and not _common(following.group(0).lower())


def has(pattern: re.Pattern[str], text: str) -> bool:
    """Whether a marker pattern occurs in the (lower-cased) text."""
    return pattern.search(text.lower()) is not None


def is_question(text: str) -> bool:
    """The turn asks something: a question mark, or it opens with a question word."""
    stripped = text.strip().lower()
    return "?" in stripped or QUESTION_START.match(stripped) is not None


def is_informal(text: str) -> bool:
    """Written informally: starts in lower case, lacks end punctuation, or uses chat words (ok, yeah, pls)."""
    stripped = text.strip()
    if not stripped:
        return False
    return stripped[0].islower() or not _END_PUNCTUATION.search(stripped) or has(INFORMAL_WORDS, stripped)


def is_frustrated(text: str) -> bool:
    """Frustration or complaint: marker phrases, or a shouted word (four or more capitals and no digit, so
    not an airport or booking code)."""
    return has(FRUSTRATION, text) or any(not _DIGIT.search(w) for w in _ALL_CAPS.findall(text))


def is_correction(text: str) -> bool:
    """The user corrects the agent: a correction phrase (that's wrong, I said, actually), or a turn that opens
    with no/nope and goes on (three words or more) to something other than closing the conversation."""
    opens_with_no = CORRECTION_START.match(text.lower()) is not None and len(words(text)) >= 3
    return has(CORRECTION, text) or (opens_with_no and not has(CLOSING, text))
