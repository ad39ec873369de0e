"""The per-sample conversation with a simulator: turn budget, transcript and record."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ._protocol import CONTINUE_MESSAGE, Simulator, SimulatorContext, Turn

STORE_KEY = "harness.simulation"
"""Key of the sample store entry holding the conversation record (read by the results record)."""
CONTEXT_KEY = "harness.simulator_context"


class SimulatorFailed(RuntimeError):
    """A simulator raised; the sample errors (other samples go on)."""


def set_context(context: SimulatorContext) -> None:
    """Give the current sample's simulated user its private context."""
    from inspect_ai.util import store

    store().set(CONTEXT_KEY, asdict(context))


def current_context() -> SimulatorContext:
    from inspect_ai.util import store

    data = store().get(CONTEXT_KEY)
    if data is None:
        raise SimulatorFailed(
            "ask_user was called but the sample has no simulator context: "
            "run the simulated_user() solver (or harness.set_simulator_context) before the agent"
        )
    return SimulatorContext(**data)


def record() -> dict[str, Any]:
    """The current sample's conversation record: simulator, turns, questions, budget."""
    from inspect_ai.util import store

    return store().get(STORE_KEY) or {"simulator": None, "max_turns": None, "turns": []}


DEFAULT_MAX_TURNS = 3


async def ask(simulator: Simulator, question: str) -> str:
    """Put the agent's question to the simulator, within its turn budget, and record both sides.

    The budget is the simulator's `max_turns` attribute (default 3); past it, and after the
    simulator ended the conversation, the answer is CONTINUE_MESSAGE and the simulator is not asked.
    """
    max_turns = int(getattr(simulator, "max_turns", DEFAULT_MAX_TURNS))
    from inspect_ai.log import transcript
    from inspect_ai.util import store

    entry = record()
    entry["simulator"], entry["max_turns"] = simulator.name, max_turns
    asked = [t for t in entry["turns"] if not t["over_budget"]]
    conversation = []
    for turn in entry["turns"]:
        conversation += [Turn("agent", turn["question"]), Turn("user", turn["answer"])]
    conversation.append(Turn("agent", question))
    if len(asked) >= max_turns or entry.get("ended"):
        answer, info, over_budget = CONTINUE_MESSAGE, {}, True
    else:
        try:
            reply = await simulator.reply(conversation, current_context())
        except SimulatorFailed:
            raise
        except Exception as ex:
            raise SimulatorFailed(f"simulator {simulator.name!r} failed: {type(ex).__name__}: {ex}") from ex
        answer, info, over_budget = reply.text, dict(reply.info), False
        entry["ended"] = entry.get("ended") or reply.end
    entry["turns"].append({"question": question, "answer": answer, "over_budget": over_budget, "info": info})
    store().set(STORE_KEY, entry)
    transcript().info(
        {
            "simulator": simulator.name,
            "turn": len(entry["turns"]),
            "question": question,
            "answer": answer,
            "over_budget": over_budget,
            **({"info": info} if info else {}),
        },
        source="simulator",
    )
    return answer
