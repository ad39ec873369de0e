"""Solvers: the conversation solver, the model under test as supporter, and the two scripted supporters."""

from __future__ import annotations

import uuid

from inspect_ai.solver import Generate, Solver, TaskState, solver

from harness import Simulator

from ._coaching import PAUSE_KEY, coaching
from ._conversation import DEFAULT_MAX_TURNS, ModelSupporter, Supporter, converse
from ._policies import ScriptedSupporter
from ._seeker import DEFAULT_QUESTIONS, Seeker

SEAT_KEY = "lend_an_ear.seeker"
_SEEKERS: dict[str, Simulator] = {}


@solver
def seeker_seat(seeker: Simulator) -> Solver:
    """Seat `seeker` for every sample of a task (a task `setup` step, so it stays when the solver is replaced)."""
    token = uuid.uuid4().hex
    _SEEKERS[token] = seeker

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        state.store.set(SEAT_KEY, token)
        return state

    return solve


def conversation(
    supporter: Supporter | None = None, seeker: Simulator | None = None, max_turns: int | None = None
) -> Solver:
    """A conversation in which the seeker speaks first (see `converse`), as a solver.

    Args:
        supporter: Who answers (default: the model under test, through `generate`).
        seeker: The simulated seeker (default: the one the task seated, else an LLM seeker on the `user` role).
        max_turns: Supporter turns (default: the sample's `turns` metadata, else 4).
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        meta = state.metadata or {}
        who = seeker or _SEEKERS.get(str(state.store.get(SEAT_KEY))) or Seeker()
        questions = meta.get("questions") or list(DEFAULT_QUESTIONS.values())
        return await converse(
            state,
            generate,
            seeker=who,
            supporter=supporter or ModelSupporter(),
            max_turns=int(max_turns or meta.get("turns") or DEFAULT_MAX_TURNS),
            pause_after=state.store.get(PAUSE_KEY),
            questions=questions,
        )

    return solve


@solver
def lend_an_ear_supporter(max_turns: int | None = None) -> Solver:
    """The model under test as the supporter in a Lend an Ear conversation (the task's default solver).

    Its turns are `generate()` on the task's model, after the documented supporter system prompt;
    coaching is applied when the sample asks for it (`task.coaching=`).

    Args:
        max_turns: Supporter turns (default: the task's `turns`).
    """
    return coaching(conversation(ModelSupporter(), max_turns=max_turns))


@solver
def lend_an_ear_validating(max_turns: int | None = None) -> Solver:
    """Scripted supporter that validates and reflects feelings and invites elaboration (no model call).

    Args:
        max_turns: Supporter turns (default: the task's `turns`).
    """
    return coaching(conversation(ScriptedSupporter("validating"), max_turns=max_turns))


@solver
def lend_an_ear_advising(max_turns: int | None = None, coachable: bool = True) -> Solver:
    """Scripted supporter that jumps to advice, talks about itself and sometimes dismisses (no model call).

    Args:
        max_turns: Supporter turns (default: the task's `turns`).
        coachable: Follow coaching feedback once given (switch to validating), so coaching has an effect offline.
    """
    return coaching(conversation(ScriptedSupporter("advising", coachable=coachable), max_turns=max_turns))
