"""The agents: two ReAct agents running concurrently (coop, coop_nomsg), or one (solo).

Each agent is inspect's `react()` with bash, python and a text_editor bound to its own container
(the sample's sandbox environment named after it), plus `send_message` in coop and
`git_push`/`git_pull` with `task.git=true`. Messages waiting for an agent join its conversation
before its next model call.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import anyio
from inspect_ai.agent import AgentState, react, run
from inspect_ai.model import ChatMessageUser, Model, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.tool import Tool, bash, python
from inspect_ai.util import message_limit, sandbox_default, store

from ._editor import sandbox_text_editor
from ._gitrelay import GitRelay, git_pull, git_push
from ._messaging import Mailbox, render, send_message
from ._prompts import feature_prompt, system_prompt
from ._samples import TIMING_KEY

AGENTS = ("agent1", "agent2")
AGENTS_KEY = "cooperbench:agents"


@dataclass(frozen=True)
class AgentSpec:
    """One agent of a sample: its name, teammate, feature text(s) and model."""

    name: str
    other: str
    descriptions: list[str]
    model: Model


@solver
def cooperbench_agents(
    model2: str | None = None, message_limit: int = 60, max_wait: int = 120, tool_timeout: int = 300
) -> Solver:
    """CooperBench's agents for the sample's setting (coop: two with messaging; coop_nomsg; solo: one).

    Args:
        model2: Model of agent 2 (mixed teams); default: the run's model drives both.
        message_limit: Messages per agent before it is stopped.
        max_wait: Longest an agent may wait for a reply in send_message, in seconds.
        tool_timeout: Seconds a bash/python call may take.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        started = time.perf_counter()
        meta = state.metadata
        setting, descriptions = meta["setting"], meta["descriptions"]
        if setting == "solo":
            solo = AgentSpec("agent1", "", descriptions, get_model())
            finished = {"agent1": await _run_agent(solo, setting, None, None, message_limit, tool_timeout, max_wait)}
        else:
            mailbox = Mailbox(AGENTS) if setting == "coop" else None
            relay = GitRelay(meta["base_commit"]) if meta.get("git") else None
            specs = [
                AgentSpec("agent1", "agent2", descriptions[:1], get_model()),
                AgentSpec("agent2", "agent1", descriptions[1:], get_model(model2) if model2 else get_model()),
            ]
            finished = {}

            async def one(spec: AgentSpec) -> None:
                finished[spec.name] = await _run_agent(
                    spec, setting, mailbox, relay, message_limit, tool_timeout, max_wait
                )

            async with anyio.create_task_group() as group:
                for spec in specs:
                    group.start_soon(one, spec)
        first = finished["agent1"]
        state.messages = first.messages
        state.output = first.output
        store().set(
            AGENTS_KEY,
            {name: {"messages": len(s.messages), "completion": s.output.completion} for name, s in finished.items()},
        )
        store().set(TIMING_KEY, {"agents": round(time.perf_counter() - started, 3)})
        return state

    return solve


async def _run_agent(
    spec: AgentSpec,
    setting: str,
    mailbox: Mailbox | None,
    relay: GitRelay | None,
    limit: int,
    tool_timeout: int,
    max_wait: int,
) -> AgentState:
    tools: list[Tool] = [
        bash(timeout=tool_timeout, sandbox=spec.name),
        python(timeout=tool_timeout, sandbox=spec.name),
        sandbox_text_editor(spec.name),
    ]
    if mailbox is not None:
        tools.append(send_message(mailbox, spec.name, max_wait))
    if relay is not None:
        tools += [git_push(relay, spec.name), git_pull(relay, spec.name)]
    agent = react(
        name=spec.name,
        prompt=system_prompt(setting, spec.name, spec.other, relay is not None),
        tools=tools,
        model=_generate_with_inbox(spec.model, mailbox, spec.name),
    )
    # anything else that asks for "the" sandbox (e.g. a solver's own tools) gets this agent's container
    with sandbox_default(spec.name):
        state, _ = await run(agent, feature_prompt(spec.descriptions), limits=[message_limit(limit)], name=spec.name)
    return state


def _generate_with_inbox(model: Model, mailbox: Mailbox | None, name: str):  # noqa: ANN202 - an inspect Agent
    async def generate(state: AgentState, tools: list[Tool]) -> AgentState:
        if mailbox is not None:
            state.messages.extend(ChatMessageUser(content=render(m)) for m in mailbox.take(name))
        state.output = await model.generate(state.messages, tools)
        state.messages.append(state.output.message)
        return state

    return generate
