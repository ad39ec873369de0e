"""The profile-driven user: answers the agent as the developer would, and judges the session at its end.

Two modes. `llm`: a role-play prompt over inspect's `user` role answers, and the `grader` role decides
the preferences only a reader can judge. `scripted` (no model, for offline runs): answers come from
the profile's own words and the issue's details, and judged preferences are decided by their cue.
Either way, preferences whose artefact decides (tests added, files untouched, commits...) are
checked by program, and nothing is read from the agent's memory.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from harness import SimulatorContext, SimulatorReply, Turn
from harness.simulation import NO_INFORMATION, OracleSimulator

from ._catalogue import Catalogue, Preference, load_catalogue
from ._matcher import tokenize
from ._style import STYLES, no_preference, phrase

USER_ROLE = "user"
GRADER_ROLE = "grader"
_ASKS_PREFERENCE = re.compile(
    r"(?i)\b(prefer|preference|preferences|like me to|want me to|would you like|should i|do you want|how do you|"
    r"any (rules|conventions|wishes)|anything else)\b"
)

ROLE_PLAY = """\
{persona}
You asked a coding agent to fix an issue in your repository. What you know about the issue, which \
the agent may not:
{details}

How you like an agent to work with you:
{preferences}

Talk the way you do: {style_text}
Answer only what the agent asks, in one to three sentences. Mention a preference only when the \
question is about it; never list them all. If you do not know, say so."""


def profile_preferences(context: SimulatorContext, catalogue: Catalogue) -> list[Preference]:
    """The catalogue preferences the context's user holds (keys set to True)."""
    return [catalogue[key] for key, on in context.preferences.items() if on is True and key in catalogue.preferences]


def asked_categories(question: str, catalogue: Catalogue) -> list[str]:
    """The categories whose keywords the question uses (stemmed)."""
    words = set(tokenize([question])[0])
    return [name for name, c in catalogue.categories.items() if words & set(tokenize([" ".join(c.keywords)])[0])]


@dataclass
class ProfileSimulator:
    """A developer from a profile (the sample's `SimulatorContext`: persona, preferences with `style`).

    Attributes:
        mode: `llm` (inspect's `user` role answers, the `grader` role judges) or `scripted` (no model).
        max_turns: Questions answered before the user only says to continue.
        max_tokens: Cap on each model answer or judgment.
    """

    mode: Literal["llm", "scripted"] = "llm"
    max_turns: int = 3
    max_tokens: int = 120
    catalogue: Catalogue = field(default_factory=load_catalogue, repr=False)
    name: str = field(init=False, default="stateful_swe_user")

    def __post_init__(self) -> None:
        self.name = f"stateful_swe_user:{self.mode}"

    async def reply(self, conversation: Sequence[Turn], context: SimulatorContext) -> SimulatorReply:
        question = conversation[-1].text if conversation else ""
        if self.mode == "llm":
            return await self._role_play(conversation, context)
        return await self._scripted(question, context)

    async def _scripted(self, question: str, context: SimulatorContext) -> SimulatorReply:
        style = str(context.preferences.get("style", "terse"))
        held = profile_preferences(context, self.catalogue)
        categories = asked_categories(question, self.catalogue)
        about_preferences = bool(_ASKS_PREFERENCE.search(question))
        facts = await OracleSimulator(top_k=2, threshold=0.15).reply([Turn("agent", question)], context)
        if not about_preferences:  # a question about the task: its details, or nothing
            return SimulatorReply(facts.text, info={"answered": "task" if facts.text != NO_INFORMATION else None})
        # asked in general, the two that matter most to them; asked about a topic, theirs on it
        chosen = [p for p in held if p.category in categories] if categories else held[:2]
        if not chosen:
            return SimulatorReply(no_preference(style), info={"answered": "preferences", "preferences": []})
        text = phrase(style, [p.says[0] for p in chosen])
        return SimulatorReply(text, info={"answered": "preferences", "preferences": [p.id for p in chosen]})

    async def _role_play(self, conversation: Sequence[Turn], context: SimulatorContext) -> SimulatorReply:
        from inspect_ai.model import ChatMessageAssistant, ChatMessageSystem, ChatMessageUser, GenerateConfig, get_model

        style = str(context.preferences.get("style", "terse"))
        held = profile_preferences(context, self.catalogue)
        prompt = ROLE_PLAY.format(
            persona=context.persona or "You are a software developer.",
            details=context.hidden_info,
            preferences="\n".join(f'- {p.statement} (you might say: "{p.says[0]}")' for p in held) or "- none",
            style_text=STYLES.get(style, STYLES["terse"]),
        )
        messages: list[Any] = [ChatMessageSystem(content=prompt)]
        for turn in conversation:  # the agent speaks as "user" to this model; the developer answers as assistant
            messages.append(
                ChatMessageUser(content=turn.text) if turn.role == "agent" else ChatMessageAssistant(content=turn.text)
            )
        output = await get_model(role=USER_ROLE).generate(
            messages, config=GenerateConfig(temperature=0.0, max_tokens=self.max_tokens)
        )
        return SimulatorReply(output.completion.strip() or NO_INFORMATION, info={"answered": "model"})


def profile_user(mode: str = "llm", max_turns: int = 3, max_tokens: int = 120) -> ProfileSimulator:
    """A developer from a Stateful SWE profile: answers in their style, judges their preferences at the end.

    Args:
        mode: `llm` (answers through inspect's `user` role, judges through the `grader` role) or
            `scripted` (no model: the profile's own words and the issue's details; offline).
        max_turns: Questions answered before the user only says to continue.
        max_tokens: Cap on each answer or judgment of the user and grader models.
    """
    from harness import ConfigError

    if mode not in ("llm", "scripted"):
        raise ConfigError(f"simulator.mode must be llm or scripted, got {mode!r}")
    if max_turns < 0 or max_tokens < 1:
        raise ConfigError("simulator.max_turns must be at least 0 and simulator.max_tokens at least 1")
    return ProfileSimulator(mode=mode, max_turns=max_turns, max_tokens=max_tokens)  # type: ignore[arg-type]
