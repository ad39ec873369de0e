"""The agent's side: the `ask_user` tool, and the solver that hands the simulator its context."""

from __future__ import annotations

from typing import Callable

from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.tool import Tool, tool

from harness.simulation._protocol import Simulator, SimulatorContext
from harness.simulation._session import ask, set_context

CONTEXT_METADATA_KEY = "simulator_context"


@tool
def ask_user(simulator: Simulator) -> Tool:
    """A tool through which the agent asks the (simulated) user a question."""

    async def execute(question: str) -> str:
        """Ask the user a question about the task, when it leaves out something you need to know.

        Args:
            question: One clear question for the user.

        Returns:
            The user's answer.
        """
        return await ask(simulator, question)

    return execute


def context_from_metadata(state: TaskState) -> SimulatorContext:
    """Read the sample's SimulatorContext from `metadata["simulator_context"]` (a dict of its fields)."""
    data = (state.metadata or {}).get(CONTEXT_METADATA_KEY)
    if not isinstance(data, dict) or "hidden_info" not in data:
        raise ValueError(f"sample {state.sample_id} has no metadata['{CONTEXT_METADATA_KEY}'] with hidden_info")
    return SimulatorContext(sample_id=state.sample_id, **{k: v for k, v in data.items() if k != "sample_id"})


@solver
def simulated_user(context: Callable[[TaskState], SimulatorContext] = context_from_metadata) -> Solver:
    """Give this sample's simulated user its private context; run it before the agent."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        set_context(context(state))
        return state

    return solve
