"""Two scripted supporters: `validating` (reflects feelings, invites elaboration) and `advising` (advice, own story).

They never see the seeker's private scenario, only the conversation, and pick their phrases by turn
number and a hash of the sample id (deterministic, varied across samples). The advising policy is
coachable by default: once the conversation holds coaching feedback it follows it (it switches to
the validating phrases), a stand-in for a person who takes the feedback on board, so the coaching
pipeline has a measurable effect offline.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from inspect_ai.model import ChatMessageAssistant, ModelOutput
from inspect_ai.solver import Generate, TaskState

from ._findings import is_coaching

VALIDATE = (
    "That sounds really hard.",
    "That sounds so painful.",
    "It makes sense that you feel this way.",
    "No wonder this has been weighing on you.",
    "I'm so sorry you're going through this.",
)
UNDERSTAND = (
    "It sounds like what happened has really stayed with you.",
    "It sounds like you've been carrying this on your own.",
    "So it's not only what happened, it's how it left you feeling.",
    "It sounds like you needed someone to notice.",
)
ELABORATE = (
    "Can you tell me more about what happened?",
    "What has that been like for you?",
    "How are you feeling about it now?",
    "What's been the hardest part?",
    "Would you like to say more about that?",
)
ADVISE = (
    "You should talk to someone in charge about this as soon as possible.",
    "Have you tried writing it all down in an email and sending it today?",
    "Try to focus on what you can control and make a plan for next week.",
    "You need to set some boundaries here.",
    "Just take a few days off and get some rest.",
)
SELF = (
    "I went through something similar last year, and it was rough for me too.",
    "When I was in a situation like that, I just moved on.",
    "Something like that happened to me once, and I remember how annoyed I was.",
    "My old manager did the same thing to me.",
)
DISMISS = (
    "Don't worry, it'll be fine.",
    "At least it's not worse.",
    "Honestly, everyone goes through this.",
)


def _pick(options: tuple[str, ...], seed: int, turn: int) -> str:
    return options[(seed + turn) % len(options)]


def _seed(state: TaskState) -> int:
    return zlib.crc32(str(state.sample_id).encode())


def _supporter_turn(state: TaskState) -> int:
    return sum(1 for m in state.messages if m.role == "assistant")


VALIDATING_SHAPES = (("V", "E"), ("U", "E"), ("V", "U"), ("V", "U", "E"), ("U",), ("V", "E"))
"""Moves of a validating turn, by turn and sample: V validate, U reflect (understanding), E invite elaboration."""

ADVISING_SHAPES = (("S", "A"), ("D", "S", "A"), ("A",), ("D", "A"), ("S",), ("S", "A"))
"""Which moves an advising turn makes: S own story (self-orientation), A advice, D dismissal."""

_PHRASES = {"V": VALIDATE, "U": UNDERSTAND, "E": ELABORATE, "S": SELF, "A": ADVISE, "D": DISMISS}
_ORDER = "VUDSAE"  # feelings first, the question last


def _reply(shapes: tuple[tuple[str, ...], ...], seed: int, turn: int) -> str:
    shape = shapes[(seed + 5 * turn) % len(shapes)]
    return " ".join(_pick(_PHRASES[part], seed, turn) for part in sorted(shape, key=_ORDER.index))


def validating_reply(seed: int, turn: int) -> str:
    """The validating policy's turn: validates and/or reflects feelings, usually invites elaboration."""
    return _reply(VALIDATING_SHAPES, seed, turn)


def advising_reply(seed: int, turn: int) -> str:
    """The advising policy's turn: its own story and/or advice, sometimes a dismissal."""
    return _reply(ADVISING_SHAPES, seed, turn)


@dataclass
class ScriptedSupporter:
    """A scripted supporter policy (no model call); `respond` appends its turn as the assistant message."""

    policy: str
    coachable: bool = False

    @property
    def name(self) -> str:
        return f"scripted:{self.policy}"

    async def respond(self, state: TaskState, generate: Generate) -> TaskState:
        turn = _supporter_turn(state)
        coached = self.coachable and any(is_coaching(m) for m in state.messages)
        policy = "validating" if coached else self.policy
        text = validating_reply(_seed(state), turn) if policy == "validating" else advising_reply(_seed(state), turn)
        state.messages.append(ChatMessageAssistant(content=text, model=self.name))
        state.output = ModelOutput.from_content(self.name, text)
        return state
