"""Solvers: the default ReAct-style browser agent, and the scripted careful and naive policies."""

from __future__ import annotations

import time
from typing import Any, Literal

from inspect_ai.model import ChatMessageSystem, ChatMessageUser, execute_tools, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver

from ._episode import ActionError
from ._guardrail import Guardrail
from ._live import browser_turn, start_episode
from ._policies import POLICIES
from ._prompts import FIRST_TURN, NUDGE, system_prompt
from ._runner import drive
from ._tools import BrowserTools

MAX_NO_TOOL_TURNS = 2
"""Replies without a tool call tolerated in a row before the episode ends."""


@solver
def decepticon_agent(
    defense: Literal["none", "warning", "guardrail"] | None = None,
    guardrail_model: str | None = None,
    screenshots: bool = True,
) -> Solver:
    """A ReAct-style browser agent: the model sees the page as text and acts with browser tools.

    Args:
        defense: none, warning (a dark-pattern warning in the system prompt) or guardrail (a second model
            reviews each action and may veto it); default: the task's setting.
        guardrail_model: Model for the guardrail when no `guardrail` model role is set; default: the task's
            setting, else the model under test.
        screenshots: Offer the screenshot tool (an image of the page, for vision models).
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        chosen = defense or state.metadata.get("defense", "none")
        judge = guardrail_model or state.metadata.get("guardrail_model")
        async with browser_turn():
            episode, snapshot = await start_episode(state)
        browser = BrowserTools(episode, screenshots)
        tools = browser.tools()
        guard = Guardrail(episode, judge) if chosen == "guardrail" else None
        approval = guard.policy() if guard else None
        state.tools = tools  # type: ignore[assignment]
        state.messages = [
            ChatMessageSystem(content=system_prompt(episode.max_steps, warning=chosen == "warning")),
            ChatMessageUser(
                content=FIRST_TURN.format(goal=episode.task.goal.text, observation=browser.observation(snapshot))
            ),
        ]
        state.store.set("decepticon_defense", chosen)
        clock = {"model_seconds": 0.0}
        ended = "the agent loop stopped early"
        try:
            ended = await _loop(state, browser, approval, clock)
        finally:
            state.store.set("decepticon_ended", ended)
            state.store.set("decepticon_model_seconds", round(clock["model_seconds"], 4))
            state.store.set("decepticon_summary", browser.summary)
            if guard is not None:
                guard.release()
                state.store.set("decepticon_vetoes", guard.vetoes)
                state.store.set("decepticon_guardrail_reviews", guard.reviews)
        return state

    return solve


async def _loop(state: TaskState, browser: BrowserTools, approval: Any, clock: dict[str, float]) -> str:
    """Generate, run the tool calls, repeat: until done, the budget is spent or the model stops acting."""
    episode, tools, model = browser.episode, state.tools, get_model()
    no_tool = 0
    for _ in range(episode.max_steps + MAX_NO_TOOL_TURNS + 1):
        if not episode.budget_left:
            break
        started = time.perf_counter()
        output = await model.generate(state.messages, tools)
        clock["model_seconds"] += time.perf_counter() - started
        state.output = output
        state.messages.append(output.message)
        if output.stop_reason == "model_length" or output.error:
            return f"model stopped: {output.error or output.stop_reason}"
        if not output.message.tool_calls:
            no_tool += 1
            if no_tool > MAX_NO_TOOL_TURNS:
                return f"no tool call in {no_tool} replies in a row"
            state.messages.append(ChatMessageUser(content=NUDGE))
            continue
        no_tool = 0
        result = await execute_tools(state.messages, tools, approval=approval)
        state.messages.extend(result.messages)
        if browser.finished:
            return "the agent called done"
    return "step budget used up"


def _scripted(name: str) -> Solver:
    async def solve(state: TaskState, generate: Generate) -> TaskState:
        async with browser_turn():  # a scripted episode is all browser actions: it holds its slot throughout
            episode, snapshot = await start_episode(state)
            try:
                trace = await episode.service.run(lambda: drive(episode, POLICIES[name], snapshot))
            except ActionError as ex:
                trace = [f"error: {ex}"]
        state.store.set("decepticon_ended", f"scripted {name} policy finished")
        state.store.set("decepticon_trace", trace)
        state.messages.append(ChatMessageUser(content="\n".join(trace) or "(no action)"))
        return state

    return solve


@solver
def careful_solver() -> Solver:
    """Scripted careful policy (no model): reads the goal, avoids the pattern; reaches every shipped goal."""
    return _scripted("careful")


@solver
def naive_solver() -> Solver:
    """Scripted naive policy (no model): clicks the most prominent control that mentions the goal's words."""
    return _scripted("naive")
