"""The task's user, kept for solvers that replace the task's default one (a task `setup` step seats it)."""

from __future__ import annotations

import uuid

from inspect_ai.solver import Generate, Solver, TaskState, solver

from harness import HarnessError, Simulator

SEAT_KEY = "stateful_swe.user"
_USERS: dict[str, Simulator] = {}


@solver
def user_seat(user: Simulator) -> Solver:
    """Seat `user` for every sample of the task (run in the task's setup, so it stays when the solver changes)."""
    token = uuid.uuid4().hex
    _USERS[token] = user

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        state.store.set(SEAT_KEY, token)
        return state

    return solve


def seated_user(state: TaskState) -> Simulator:
    """The user the task seated for this sample.

    Raises:
        HarnessError: The sample is not one of the stateful_swe task's.
    """
    found = _USERS.get(str(state.store.get(SEAT_KEY)))
    if found is None:
        raise HarnessError("this solver runs in the stateful_swe task (it seats the user the agent talks to)")
    return found
