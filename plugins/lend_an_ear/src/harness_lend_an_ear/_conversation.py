"""A conversation in which the simulated user speaks first: the seeker opens, the supporter answers, and so on.

`converse(state, generate, seeker=..., supporter=...)` runs (or resumes) the loop on a sample:

1. First call: the seeker's private context comes from `metadata["simulator_context"]` (else the
   sample input is the trouble), its opening `seeker.reply([])` replaces the input, and the supporter's
   system prompt is put first. The seeker's system prompt is logged.
2. Each round: the supporter speaks (`supporter.respond(state, generate)`; for the model under test
   that is `generate(state)` on the task's model, nothing else), then the seeker replies to it.
3. The loop stops after `max_turns` supporter turns, when the seeker ends the conversation, or at
   `pause_after` supporter turns (a wrapper such as coaching then adds to the conversation and calls
   `converse` again, which resumes). When it ends (not pauses), the seeker rates it if it has `rate()`.

Every turn is kept in the sample store (`lend_an_ear`: role, who produced it, text), logged as a
transcript event (source `lend_an_ear`), and each supporter turn with the seeker's reply goes into the
harness's public conversation record (`harness.conversation_record()`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Protocol, runtime_checkable

from inspect_ai.model import ChatMessageSystem, ChatMessageUser
from inspect_ai.solver import Generate, TaskState

from harness import ConversationRecord, ConversationTurn, Simulator, SimulatorContext, Turn

from ._findings import is_coaching
from ._prompts import SUPPORTER_PROMPT

STORE = "lend_an_ear"
"""Sample store key of the conversation's progress: turns, ratings, coaching."""

DEFAULT_MAX_TURNS = 4


@runtime_checkable
class Supporter(Protocol):
    """Who answers the seeker. `respond` adds one assistant message to `state.messages` and returns the state."""

    @property
    def name(self) -> str:
        """Who the supporter is, recorded with each of its turns (the model's name for the model under test)."""
        ...

    async def respond(self, state: TaskState, generate: Generate) -> TaskState: ...


class ModelSupporter:
    """The model under test: its turns are `generate(state)` on the task's model (or whoever sits in its seat)."""

    @property
    def name(self) -> str:
        return "model"

    async def respond(self, state: TaskState, generate: Generate) -> TaskState:
        return await generate(state)


def progress(state: TaskState) -> dict[str, Any]:
    """The conversation's progress in the sample store (a fresh one when the conversation has not started)."""
    return dict(state.store.get(STORE) or {"turns": [], "done": False, "ratings": None})


def seeker_turns(data: dict[str, Any]) -> list[Turn]:
    """The conversation as the seeker sees it (coaching left out): its turns `user`, the supporter's `agent`."""
    return [
        Turn("user" if t["role"] == "seeker" else "agent", t["text"]) for t in data["turns"] if t["role"] != "coach"
    ]


def supporter_count(data: dict[str, Any]) -> int:
    return sum(1 for t in data["turns"] if t["role"] == "supporter")


def seeker_context(state: TaskState) -> SimulatorContext:
    """The seeker's private context from the sample metadata, else the sample input as its trouble."""
    from harness.simulation import context_from_metadata

    try:
        return context_from_metadata(state)
    except ValueError:
        return SimulatorContext(hidden_info=state.input_text, sample_id=state.sample_id)


def add_turn(state: TaskState, data: dict[str, Any], role: str, by: str, text: str, **extra: Any) -> None:
    """Keep one turn in the store and log it (who produced it, in order)."""
    from inspect_ai.log import transcript

    turn = {"role": role, "by": by, "text": text, **extra}
    data["turns"] = [*data["turns"], turn]
    state.store.set(STORE, data)
    transcript().info({"turn": len(data["turns"]), **turn}, source=STORE)


async def converse(
    state: TaskState,
    generate: Generate,
    *,
    seeker: Simulator,
    supporter: Supporter,
    max_turns: int = DEFAULT_MAX_TURNS,
    pause_after: int | None = None,
    questions: Sequence[str] = (),
) -> TaskState:
    """Run or resume the conversation (see the module docstring)."""
    data = progress(state)
    context = seeker_context(state)
    if not data["turns"]:
        await _open(state, data, seeker, context)
    while not data["done"] and supporter_count(data) < max_turns:
        if pause_after is not None and supporter_count(data) >= pause_after:
            return state
        state = await _round(state, generate, data, seeker, supporter, context, max_turns)
    if data["done"] and data.get("ratings") is None and hasattr(seeker, "rate") and questions:
        ratings = await seeker.rate(seeker_turns(data), context, list(questions))
        data["ratings"] = {q: float(v) for q, v in ratings.items()}
        state.store.set(STORE, data)
        from inspect_ai.log import transcript

        transcript().info({"ratings": data["ratings"], "by": seeker.name}, source=STORE)
    return state


async def _open(state: TaskState, data: dict[str, Any], seeker: Simulator, context: SimulatorContext) -> None:
    from inspect_ai.log import transcript

    from ._seeker import attribution_of, system_prompt

    data["attribution"] = attribution_of(context)
    transcript().info(
        {"seeker": seeker.name, "attribution": data["attribution"], "seeker_system_prompt": system_prompt(context)},
        source=STORE,
    )
    opening = await seeker.reply([], context)
    state.messages = [ChatMessageSystem(content=_supporter_prompt(state)), ChatMessageUser(content=opening.text)]
    add_turn(state, data, "seeker", seeker.name, opening.text, kind=opening.info.get("kind", "opening"))
    record = replace(ConversationRecord.from_dict(None), simulator=seeker.name)
    _save_record(state, record)


async def _round(
    state: TaskState,
    generate: Generate,
    data: dict[str, Any],
    seeker: Simulator,
    supporter: Supporter,
    context: SimulatorContext,
    max_turns: int,
) -> TaskState:
    state = await supporter.respond(state, generate)
    said = _last_assistant_text(state)
    by = str(state.model) if isinstance(supporter, ModelSupporter) else supporter.name
    add_turn(state, data, "supporter", by, said)
    reply = await seeker.reply(seeker_turns(data), context)
    state.messages.append(ChatMessageUser(content=reply.text))
    add_turn(state, data, "seeker", seeker.name, reply.text, kind=reply.info.get("kind", ""))
    data["done"] = bool(reply.end) or supporter_count(data) >= max_turns
    state.store.set(STORE, data)
    record = _load_record(state)
    turn = ConversationTurn(question=said, answer=reply.text, info={**reply.info, "supporter": by})
    _save_record(state, replace(record.with_turn(turn, ended=bool(reply.end)), max_turns=max_turns))
    return state


def _supporter_prompt(state: TaskState) -> str:
    return str((state.metadata or {}).get("supporter_prompt") or SUPPORTER_PROMPT)


def _last_assistant_text(state: TaskState) -> str:
    for message in reversed(state.messages):
        if message.role == "assistant" and not is_coaching(message):
            return message.text
    return ""


def _load_record(state: TaskState) -> ConversationRecord:
    from harness.simulation import STORE_KEY

    return ConversationRecord.from_dict(state.store.get(STORE_KEY))


def _save_record(state: TaskState, record: ConversationRecord) -> None:
    from harness.simulation import STORE_KEY

    state.store.set(STORE_KEY, record.to_dict())
