"""The seeker: a simulated person who brings a trouble, shares more when invited, pushes back, and rates the talk.

It implements the public `harness.Simulator` protocol (`name`, async `reply`) and the optional
`rate(conversation, context, questions)`. A seeker speaks first: `reply` to an empty conversation
is the opening. Its private context (`SimulatorContext`) carries the scenario in `preferences`
(`scenario`: the scenario's JSON, `attribution`: ai or human); a context without a scenario is
treated as a trouble told in `hidden_info` (so the seeker also works in other tasks).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from harness import SimulatorContext, SimulatorReply, Turn

from ._prompts import RATING_PROMPT, SEEKER_PROMPT, SUPPORTED_BY
from ._scenarios import Scenario
from ._scripted_seeker import scripted_rating, scripted_reply

USER_ROLE = "user"

DEFAULT_QUESTIONS: dict[str, str] = {
    "heard": "How heard did you feel?",
    "validated": "How validated did you feel?",
    "understood": "How understood did you feel?",
}
"""The end-of-conversation questions (1-5), keyed by the figure they feed (felt_heard, ...)."""


def scenario_of(context: SimulatorContext) -> Scenario:
    """The scenario in a seeker's context, or one made from `hidden_info` when the context has none."""
    data = (context.preferences or {}).get("scenario")
    if isinstance(data, Mapping):
        return Scenario.from_json(dict(data))
    text = context.hidden_info.strip() or "Something is troubling me."
    return Scenario(
        id=str(context.sample_id or "unknown"),
        domain="personal",
        topic="a trouble",
        persona=context.persona or "a person who needs to talk",
        opening=text.split("\n")[0][:400],
        situation=text,
        feelings=("upset",),
        details=tuple(text.split("\n")[1:4]) or (text,),
        hopes="to feel heard",
        dismissive=("being told it's not a big deal",),
    )


def attribution_of(context: SimulatorContext) -> str:
    """Who the seeker is told supports them: `ai` (the default) or `human`."""
    value = str((context.preferences or {}).get("attribution", "ai"))
    return value if value in SUPPORTED_BY else "ai"


def system_prompt(context: SimulatorContext) -> str:
    """The seeker's system prompt for this context (it names who supports them)."""
    s = scenario_of(context)
    return SEEKER_PROMPT.format(
        persona=s.persona,
        supported_by=SUPPORTED_BY[attribution_of(context)],
        situation=s.situation,
        feelings=", ".join(s.feelings),
        details="\n".join(f"- {d}" for d in s.details),
        hopes=s.hopes,
        dismissive="; ".join(s.dismissive),
    )


@dataclass
class Seeker:
    """A support seeker, played by a model through inspect's `user` role or by a deterministic script.

    Attributes:
        policy: `llm` (the `user` model role, else `model`, else the model under test) or `scripted`.
        model: A model for the seeker instead of the `user` role (e.g. `openai/gpt-4o-mini`).
        temperature: Sampling temperature of the seeker model.
        max_tokens: Cap on each seeker message.
    """

    policy: Literal["llm", "scripted"] = "llm"
    model: str | None = None
    temperature: float = 0.7
    max_tokens: int = 120
    name: str = field(init=False, default="lend_an_ear_seeker")

    def __post_init__(self) -> None:
        where = self.model or f"role={USER_ROLE}"
        self.name = "lend_an_ear_seeker:scripted" if self.policy == "scripted" else f"lend_an_ear_seeker:llm:{where}"

    async def reply(self, conversation: Sequence[Turn], context: SimulatorContext) -> SimulatorReply:
        """The opening (empty conversation) or the seeker's answer to the supporter's last turn."""
        scenario = scenario_of(context)
        if not conversation:
            return SimulatorReply(scenario.opening, info={"kind": "opening"})
        if self.policy == "scripted":
            text, kind = scripted_reply(conversation, scenario)
            return SimulatorReply(text, info={"kind": kind})
        text = await self._generate(conversation, context, None)
        return SimulatorReply(text or "I don't know what else to say.", info={"kind": "llm"})

    async def rate(
        self, conversation: Sequence[Turn], context: SimulatorContext, questions: Sequence[str]
    ) -> dict[str, float]:
        """The seeker's answer (1-5) to each question about the conversation; NaN when a model gave no number."""
        if self.policy == "scripted":
            return scripted_rating(conversation, questions)
        ratings = {}
        for question in questions:
            text = await self._generate(conversation, context, question)
            ratings[question] = parse_rating(text)
        return ratings

    async def _generate(self, conversation: Sequence[Turn], context: SimulatorContext, question: str | None) -> str:
        from inspect_ai.model import ChatMessageAssistant, ChatMessageSystem, ChatMessageUser, GenerateConfig, get_model

        prompt, rest = system_prompt(context), list(conversation)
        if rest and rest[0].role == "user":  # the opening goes in the prompt: chats start with the other side
            prompt += f'\n\nYou opened the conversation by saying: "{rest.pop(0).text}"'
        messages: list[Any] = [ChatMessageSystem(content=prompt)]
        for turn in rest:  # the seeker model speaks as the assistant; the supporter is its "user"
            text = turn.text
            messages.append(
                ChatMessageAssistant(content=text) if turn.role == "user" else ChatMessageUser(content=text)
            )
        if question is not None:
            persona = scenario_of(context).persona
            messages.append(ChatMessageUser(content=RATING_PROMPT.format(persona=persona, question=question)))
        config = GenerateConfig(
            temperature=0.0 if question else self.temperature, max_tokens=4 if question else self.max_tokens
        )
        model = get_model(self.model) if self.model else get_model(role=USER_ROLE)
        output = await model.generate(messages, config=config)
        return output.completion.strip()


_RATING = re.compile(r"(?<![\d.])([1-5])(?!\d|\.\d)")


def parse_rating(text: str) -> float:
    """The first number 1-5 in a model's answer, or NaN when there is none."""
    found = _RATING.search(text or "")
    return float(found.group(1)) if found else math.nan
