"""What a simulator is: given the conversation so far and its private context, a reply or the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, Sequence, runtime_checkable

CONTINUE_MESSAGE = "Please continue working on the task."
"""What the user says once the turn budget is spent (and all the `hidden` setting's user ever says)."""

NO_INFORMATION = "I don't have that information."

NOTE_METADATA = "harness_note"
"""Chat message metadata key: the message is a note to whoever sits in the seat (see `Turn.note`)."""


@dataclass(frozen=True)
class Turn:
    """One message of the agent–user conversation.

    `note` marks a message meant for the one in the seat alone, not said by the other side (e.g.
    coaching feedback to a supporter): a person's page shows it as a note. A task marks such a
    chat message with metadata `{"harness_note": True}`.
    """

    role: Literal["agent", "user"]
    text: str
    note: bool = False


@dataclass(frozen=True)
class SimulatorContext:
    """What the simulated user knows and is like; the agent never sees it.

    Attributes:
        hidden_info: Facts only the user holds (e.g. the full issue, hints, file paths).
        persona: Who the user is, for simulators that role-play.
        preferences: How the user wants to be asked (e.g. {"one_question_at_a_time": True}).
        sample_id: Id of the sample, for simulators that replay recorded answers.
        sections: The hidden information by kind (e.g. issue, hints, files), when the task has
            them; simulators use it to grade how much effort a question costs the user.
        section_effort: Effort (`low`, `medium`, `high`) an answer from each section costs the
            user, as the task defines it (e.g. Ambig-SWE: issue low, hints medium, files high);
            a section it does not name counts as `medium`.
        opening: The user speaks first here (in a seat where the user opens the conversation,
            e.g. tau2's): there may be an agent greeting but no question to answer yet.
    """

    hidden_info: str
    persona: str = ""
    preferences: dict[str, Any] = field(default_factory=dict)
    sample_id: str | int | None = None
    sections: dict[str, str] = field(default_factory=dict)
    section_effort: dict[str, str] = field(default_factory=dict)
    opening: bool = False


@dataclass(frozen=True)
class SimulatorReply:
    """A simulator's answer. `end` ends the conversation; `info` is recorded (e.g. question effort)."""

    text: str
    end: bool = False
    info: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Simulator(Protocol):
    """A simulated user. Implementations must be safe to share between concurrent samples."""

    name: str
    """Identity recorded with every answer (e.g. `oracle`, `llm:openai/gpt-4o`).

    An optional `max_turns` attribute sets the turn budget (default 3), and `interactive = True`
    marks a simulator a person drives (conformance checks then do not run it unattended).
    """

    async def reply(self, conversation: Sequence[Turn], context: SimulatorContext) -> SimulatorReply:
        """Answer the agent's last turn (`conversation[-1]`, role `agent`)."""
        ...


@runtime_checkable
class RatingSimulator(Protocol):
    """A simulator that can also answer the survey a person answers after a conversation (optional).

    The human seat asks people survey questions about the agent (on 1-5 scales); a simulator that
    implements `rate` answers the same questions, so simulator and human ratings line up (the
    User-Simulation Index's `Eval` figure compares them).
    """

    async def rate(
        self, conversation: Sequence[Turn], context: SimulatorContext, questions: Sequence[str]
    ) -> dict[str, float]:
        """Each question's rating on its 1-5 scale, keyed by the question; NaN where it has no answer."""
        ...
