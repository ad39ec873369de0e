"""Lexical detectors of the six moves: cheap, deterministic, and measured (see the README for precision/recall).

Each detector is a set of regular expressions over the sentences of one supporter turn; the
evidence is the first sentence that matches. They were written from the move definitions and
tuned on the `dev` half of the hand-labelled turns (`data/labelled_turns.json`) only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ._moves import MOVES, Finding

_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+|(?<=\.\.\.)\s*")

_EMOTION = (
    r"(hard|difficult|awful|painful|heartbreaking|heart-breaking|frightening|scary|terrifying|stressful|exhausting|"
    r"lonely|upsetting|overwhelming|humiliating|devastating|frustrating|unfair|sad|tough|rough|agonising|agonizing|"
    r"horrible|hurtful|distressing|infuriating|isolating|confusing|draining|a lot|heavy|shocking|terrible|"
    r"disorienting|crushing|brutal|unsettling|maddening|scared|alone|hurt|upset|angry|furious|worried|anxious)"
)
_INTENSIFIER = r"(?:(?:so|really|very|incredibly|pretty|quite|truly|deeply|such|absolutely|extremely|a)\s+)*"
_CARE_VERBS = r"(caught|carrying|holding|stuck|torn|left|losing|missing|juggling|grieving|hiding|living with|facing)"

PATTERNS: dict[str, tuple[str, ...]] = {
    "validating_emotions": (
        rf"\b(?:sounds|sounded|must (?:have )?(?:be|been|feel|felt)|seems|that'?s|that is|it'?s|it is|this is)\s+"
        rf"{_INTENSIFIER}{_EMOTION}\b",
        rf"^{_INTENSIFIER}{_EMOTION}[.!]",
        r"\bmakes? (?:complete |total |perfect |a lot of |so much )?sense\b",
        r"\bof course (?:you|it)\b",
        r"\bno wonder\b",
        r"\b(?:understandable|natural|okay|ok|valid|normal|human) (?:to|that you) (?:feel|be)\b",
        r"\byour (?:feelings?|reaction|anger|grief|hurt|fear) (?:is|are|makes?) (?:valid|understandable|real|sense)",
        r"\banyone would\b",
        r"\bI'?m (?:so |really |very |truly )?sorry\b(?! to (?:say|interrupt|bother))",
        r"\b(?:not okay|not ok|a (?:huge|real|big) betrayal|so unfair|really unfair)\b",
        r"\bno right way to feel\b",
        r"\bnobody (?:should|deserves)\b|\bno one (?:should|deserves)\b",
        r"\bI can (?:only )?imagine how\b",
        r"\bthat (?:really )?hurts\b",
    ),
    "encouraging_elaboration": (
        r"^(?!.*\b(?:why don'?t you|what if you|how about (?:you|trying))\b)(?:what|how|which|who|when|where)\b[^?]*\?",
        r"\b(?:tell me|say|share|talk) (?:a (?:bit|little) )?more\b",
        r"\btell me (?:about|what|how)\b",
        r"\b(?:want|like|wish) to (?:talk|say|share|tell)\b",
        r"\bcan you (?:say|tell|share|describe)\b",
        r"\bhow (?:are|have) you (?:holding up|feeling|doing|been)\b",
        r"\bwhat (?:was|is) (?:that|it) like\b",
        r"\b(?:I'?m (?:here|listening)[^.?!]*(?:take your time|whenever|if you want))|\btake your time\b",
    ),
    "demonstrating_understanding": (
        r"\bit (?:sounds|seems|feels) (?:like|as if|as though) (?:you|what|it'?s|it is|the|there'?s|your|both)\b",
        r"^so (?:you'?re|you are|you feel|you'?ve|it'?s|it is|it isn'?t|it'?s not|what|your|everyone'?s|nobody)\b",
        r"\b(?:seems like|sounds like) (?:you|what)\b",
        r"\bwhat I'?m hearing\b|\bif I understand\b|\bI hear (?:that|you saying)\b",
        r"\bit'?s not (?:really|just) (?:about|the)\b|\bisn'?t (?:really |just )?about\b|\bnot just the\b",
        rf"^(?:and )?you'?re {_CARE_VERBS}\b",
        r"\byou'?re (?:not sure|wondering|left wondering|feeling)\b",
        r"\b(?:losing|lost) more than\b",
        r"\byou (?:cared|care) for (?:her|him|them)\b",
        r"\b(?:both|and both) (?:are|is) true\b",
        r"\bespecially (?:having|after|when|since|with|because)\b|\bon top of\b",
    ),
    "unsolicited_advice": (
        r"^(?:just |maybe |perhaps |first,? |honestly,? )?(?:try|tell (?!me)|talk|go|make|ask|book|call|write|speak|"
        r"consider|start|stop|delete|document|report|set|get|find|join|focus|keep|look|send|reach out|remember to|"
        r"avoid|sleep|plan|push|stand up|update|refuse|quit|leave|block|email|contact|see a|schedule|practi[cs]e|"
        r"think about|don'?t let)\b",
        r"\byou (?:should|need to|have to|must|ought to|'d better|"
        r"could (?:try|always|also|just|start|ask|talk|send))\b",
        r"\b(?:have|did) you (?:tried|thought about|considered|thought of|looked into)\b",
        r"\bwhy (?:don'?t|not) you\b|^why not\b|\bwhat if you\b|"
        r"\bhow about (?:you )?(?:try|trying|talking|asking|going)\b",
        r"\bI (?:would|'d) (?:suggest|recommend|advise|talk|go|tell|ask|start|do)\b|\bI (?:suggest|recommend)\b",
        r"\bmy advice\b|\bif I were you\b|\bthe best thing (?:to do|you can do|would be)\b",
        r"\bit (?:might|would|could|may) (?:help|be worth|be good|be a good idea) to\b|\bmake sure (?:you|to)\b",
        r"\bmaybe (?:you|try|look|talk|ask)\b|\bwhich is what I'?d do\b",
        r"\btherapy (?:made|makes|might|could|would)\b",
        r"\b(?:get|grow) a thicker skin\b|\bcan'?t make you\b",
        r"\btry not to\b",
    ),
    "self_orientation": (
        r"\bI (?:was|had|went|did|used to|once|remember|worked|lost|started|ended|got|felt|said|play|love it|"
        r"know exactly|'ve been there|have been there|'ve had|have had|'ve been through|have been through)\b",
        r"\b(?:me too|same here|same thing happened|happened to me|when I was|when I started|I'?m [a-z]+ too)\b",
        r"\bmy (?:own|old|ex|boss|manager|brother|sister|mum|mom|dad|father|mother|partner|roommates?|flatmates?|"
        r"neighbou?rs?|friend|husband|wife|client|mentor|kids?|son|daughter|last job)\b",
        r"\bmine (?:once|too|was|did|used)\b|\bfor me,\b",
        r"\bI'?m (?:retired|the same|like that)\b",
    ),
    "dismissing_emotions": (
        r"\bat least\b",
        r"\bdon'?t (?:worry|beat yourself up|take it (?:so )?personally|dwell|be (?:so )?(?:sad|upset|hard))\b",
        r"\b(?:not|no) (?:such )?a big deal\b|\bnot that bad\b|\bcould (?:have been|be) worse\b",
        r"\bbright side\b|\bcalm down\b|\boverreact|\bget over\b|\bmove on\b|\bcheer up\b",
        r"\bit'?s (?:just|only) (?:a|one|business|a date|a job)\b",
        r"\b(?:it'?s|that'?s) (?:totally |completely |perfectly |pretty |quite )?normal\b(?! to feel)",
        r"\beveryone (?:feels|gets|goes through|has|is|feels that way)\b|\bhappens to everyone\b",
        r"\bit(?:'ll| will) (?:all )?(?:be fine|be okay|be ok|blow over|pass|get better)\b",
        r"\byou(?:'ll| will) be (?:fine|okay|ok|alright)\b",
        r"\b(?:probably )?means? well\b|\bdidn'?t mean (?:it|anything)\b|\bfor the best\b",
        r"\beverything happens for a reason\b|\bplenty (?:more )?(?:of )?fish\b|\bdodged a bullet\b",
        r"\b(?:your|her|his|their) time will come\b|\bthere (?:will|'ll) be other\b|\bit'?s not like\b",
        r"\bthicker skin\b|\b(?:are|is) like that\b|\bthat'?s (?:just )?how it is\b|\blots of (?:kids|people)\b",
        r"\bcomparison is the thief\b|\byou look (?:fine|great|good)\b|\bwe laughed about it\b",
        r"\balways have (?:budget|problems)\b|\bnothing to do with you\b|\bhonestly,? I love it\b|\bthe main thing\b",
        r"\byou can (?:video call|always)\b",
    ),
}

_COMPILED = {move: tuple(re.compile(p, re.IGNORECASE) for p in patterns) for move, patterns in PATTERNS.items()}


def sentences(text: str) -> list[str]:
    """The sentences of a turn, trimmed (questions keep their `?`)."""
    return [s.strip() for s in _SENTENCES.split(text.strip()) if s and s.strip()]


def detect(text: str, moves: Iterable[str] = MOVES) -> dict[str, Finding]:
    """Each move's lexical finding for one supporter turn: present with its evidence sentence, or absent."""
    parts = sentences(text)
    found = {}
    for move in moves:
        evidence = next((s for s in parts for p in _COMPILED[move] if p.search(s)), "")
        found[move] = Finding(move, bool(evidence), evidence, "lexical")
    return found
