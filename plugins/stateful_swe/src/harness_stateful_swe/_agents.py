"""Baseline agents (react, the model under test): no memory; BM25 retrieval over the history; a user model.

All three get the same tools (bash, python, a file editor, ask_user) and the same session prompt;
they differ in what they bring into the session about the user:
- no memory: nothing beyond the prompt;
- BM25: the user's earlier words most relevant to each topic (shipped history, plus what this user
  said in earlier sessions of the run, kept in the user memory);
- user model: a structured model of the user (preferences, style, notes) kept in the user memory and
  updated after each session by a second model role (`tom`), distilled from the history when empty.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.agent import as_solver, react
from inspect_ai.solver import Generate, Solver, TaskState, chain, solver
from inspect_ai.tool import bash, python, text_editor

from harness import ask_user

from ._catalogue import load_catalogue
from ._matcher import Bm25Index
from ._memory import remember, remembered
from ._seat import seated_user
from ._usermodel import UserModel, distil, update

AGENT_PROMPT = """\
You are a careful software engineer. Work in the sandbox with the tools; ask the developer only what \
you cannot find out yourself. When the issue is fixed, call submit() with your summary for the developer."""


def _react(state: TaskState, extra: str) -> Any:
    prompt = AGENT_PROMPT + (f"\n\n{extra}" if extra else "")
    tools = [bash(timeout=60), python(timeout=60), text_editor(), ask_user(seated_user(state))]
    return react(prompt=prompt, tools=tools)


@solver
def no_memory_agent() -> Solver:
    """A react agent with bash, python, a file editor and ask_user; brings nothing about the user (baseline)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        return await as_solver(_react(state, ""))(state, generate)

    return solve


def user_turns(state: TaskState) -> list[str]:
    """What the user said before: the shipped history's user turns and the answers kept in memory."""
    said = [
        turn["text"]
        for session in (state.metadata or {}).get("history", [])
        for turn in session["turns"]
        if turn["role"] == "user"
    ]
    return said + list(remembered("user_said", []))


def retrieve(documents: list[str], k: int) -> list[str]:
    """The documents BM25 ranks highest for each catalogue category's keywords, `k` in all, best first."""
    if not documents:
        return []
    index = Bm25Index(documents)
    ranked: dict[int, float] = {}
    for category in load_catalogue().categories.values():
        for position, score in index.top(" ".join(category.keywords), 2):
            ranked[position] = max(score, ranked.get(position, 0.0))
    best = sorted(ranked, key=lambda i: -ranked[i])[:k]
    return [documents[i] for i in sorted(best)]


async def remember_answers(state: TaskState, generate: Generate) -> TaskState:
    """After the agent: keep what the user answered this session (for retrieval in later sessions)."""
    from harness import conversation_record

    answers = [turn.answer for turn in conversation_record().asked]
    if answers:
        remember("user_said", list(remembered("user_said", [])) + answers)
    return state


@solver
def bm25_agent(k: int = 8) -> Solver:
    """The react agent, told the user's earlier words that BM25 ranks most relevant per topic (history and memory).

    Args:
        k: How many earlier user turns to bring into the session.
    """

    async def retrieve_then_act(state: TaskState, generate: Generate) -> TaskState:
        found = retrieve(user_turns(state), k)
        extra = "What this developer said in earlier sessions:\n" + "\n".join(f"- {t}" for t in found) if found else ""
        return await as_solver(_react(state, extra))(state, generate)

    return chain(solver_of(retrieve_then_act), solver_of(remember_answers))


@solver
def tom_agent(role: str = "tom", max_tokens: int = 300) -> Solver:
    """The react agent with a model of the user: kept in the user memory, consulted before acting, updated after.

    A second model (the `tom` role; default: the model under test) distils the model from the history
    when memory holds none, and updates it from the session's questions and answers afterwards.

    Args:
        role: The inspect model role that maintains the user model.
        max_tokens: Cap on each call of that model.
    """

    async def consult(state: TaskState, generate: Generate) -> TaskState:
        model = UserModel.from_memory(remembered("user_model", None))
        if model.empty and (state.metadata or {}).get("history"):
            model = await distil(state.metadata["history"], role, max_tokens)
            remember("user_model", model.to_dict())
        extra = model.prompt() if not model.empty else ""
        return await as_solver(_react(state, extra))(state, generate)

    async def learn(state: TaskState, generate: Generate) -> TaskState:
        from harness import conversation_record

        turns = [(t.question, t.answer) for t in conversation_record().asked]
        if turns:
            model = UserModel.from_memory(remembered("user_model", None))
            remember("user_model", (await update(model, turns, role, max_tokens)).to_dict())
        return state

    return chain(solver_of(consult), solver_of(learn))


def solver_of(function: Any) -> Solver:
    """A plain `async (state, generate)` function as an inspect solver."""

    @solver(name=function.__name__)
    def wrapped() -> Solver:
        return function  # type: ignore[no-any-return]

    return wrapped()


def default_agent() -> Solver:
    """The task's default solver: the no-memory baseline."""
    return no_memory_agent()
