"""Three users, four sessions each: an agent that remembers each user's name between sessions.

Run it with `harness eval task=examples/sessions/returning_users.py model=mockllm/model`
(docs/sessions.md). The samples are listed last session first; the harness still runs each
user's sessions in order, and the scorer checks that every session after the first was greeted
by name from the user's memory.
"""

from inspect_ai import Task, task
from inspect_ai.dataset import Sample
from inspect_ai.model import ModelOutput
from inspect_ai.scorer import Score, accuracy, scorer
from inspect_ai.solver import Generate, Solver, TaskState, solver

from harness import user_memory

USERS = {"ana": "Ana", "ben": "Ben", "chen": "Chen"}


@solver
def greeter() -> Solver:
    """Greets the user by the name memory holds, then remembers it (the user says it each session)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        memory = user_memory()
        known = memory.get("name")
        memory.set("name", state.metadata["name"])
        memory.set("sessions", (memory.get("sessions") or 0) + 1)
        greeting = f"Welcome back, {known}!" if known else "Hello! What is your name?"
        state.output = ModelOutput.from_content("greeter", greeting)
        return state

    return solve


@scorer(metrics=[accuracy()])
def greeted_by_name():
    """1 when a returning user is greeted by name (and a first-time user is asked for it)."""

    async def score(state: TaskState, target: object) -> Score:
        first = state.metadata["harness_session"] == 1
        expected = "What is your name?" if first else f"Welcome back, {state.metadata['name']}!"
        return Score(value=1 if state.output.completion.endswith(expected) else 0, answer=state.output.completion)

    return score


@task
def returning_users(sessions: int = 4) -> Task:
    """Each user comes back `sessions` times; the agent keeps their name in the user's memory."""
    samples = [
        Sample(
            id=f"{user}-{session}",
            input=f"Hi, I am {name}.",
            metadata={"harness_user": user, "harness_session": session, "name": name},
        )
        for session in range(sessions, 0, -1)
        for user, name in USERS.items()
    ]
    return Task(dataset=samples, solver=greeter(), scorer=greeted_by_name())
