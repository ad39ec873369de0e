"""The per-sample conversation with a simulator: turn budget, transcript and record."""

from __future__ import annotations

from dataclasses import asdict

from harness.simulation._active import seat_served
from harness.simulation._protocol import CONTINUE_MESSAGE, Simulator, SimulatorContext, Turn
from harness.simulation._record import ConversationTurn, conversation_record, save_conversation_record

CONTEXT_KEY = "harness.simulator_context"
DEFAULT_MAX_TURNS = 3


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
            "run the simulated_user() solver before the agent"
        )
    return SimulatorContext(**data)


async def ask(simulator: Simulator, question: str) -> str:
    """Put the agent's question to the simulator, within its turn budget, and record both sides.

    The budget is the simulator's `max_turns` attribute (default 3); past it, and after the
    simulator ended the conversation, the answer is CONTINUE_MESSAGE and the simulator is not asked.
    """
    from dataclasses import replace

    from inspect_ai.log import transcript

    max_turns = int(getattr(simulator, "max_turns", DEFAULT_MAX_TURNS))
    record = replace(conversation_record(), simulator=simulator.name, max_turns=max_turns)
    conversation = []
    for turn in record.turns:
        conversation += [Turn("agent", turn.question), Turn("user", turn.answer)]
    conversation.append(Turn("agent", question))
    ended = False
    if len(record.asked) >= max_turns or record.ended:
        answer, info, over_budget = CONTINUE_MESSAGE, {}, True
    else:
        try:
            reply = await simulator.reply(conversation, current_context())
        except SimulatorFailed:
            raise
        except Exception as ex:
            raise SimulatorFailed(f"simulator {simulator.name!r} failed: {type(ex).__name__}: {ex}") from ex
        answer, info, over_budget, ended = reply.text, dict(reply.info), False, reply.end
    record = record.with_turn(ConversationTurn(question, answer, over_budget, info), ended=ended)
    save_conversation_record(record)
    turns = [
        {"role": role, "text": text} for t in record.turns for role, text in (("agent", t.question), ("user", t.answer))
    ]
    seat_served(simulator, "user", turns, current_context().hidden_info)
    transcript().info(
        {
            "simulator": simulator.name,
            "turn": len(record.turns),
            "question": question,
            "answer": answer,
            "over_budget": over_budget,
            **({"info": info} if info else {}),
        },
        source="simulator",
    )
    return answer
