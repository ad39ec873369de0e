"""Longer histories written by a model from a profile, kept only when they validate (`check_history`)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from harness import ConfigError

from ._histories import History, check_history, scripted_history
from ._profiles import Profile, load_profiles
from ._style import STYLES

GENERATE_PROMPT = """\
Write {sessions} earlier sessions between a coding agent and {name}, {role}. {persona}
{name} talks like this: {style}

{name}'s preferences about how the agent works (each must come up at least once, in {name}'s own \
words, for example when reacting to the agent's work):
{preferences}

Reply with JSON only, in this shape:
{{"sessions": [{{"session": -1, "title": "what was asked", "turns": [
  {{"role": "user", "text": "..."}}, {{"role": "agent", "text": "..."}},
  {{"role": "user", "text": "...", "expresses": ["preference_id"]}}, ...]}}]}}
Number the sessions -{sessions} (oldest) to -1 (latest). Turns alternate user and agent, starting with the \
user; each turn has at most 150 words. Label each user turn that states a preference with its id in \
"expresses"; use only the ids above."""


def generation_prompt(profile: Profile, sessions: int) -> str:
    """The prompt that asks a model for a profile's history."""
    held = profile.held()
    return GENERATE_PROMPT.format(
        sessions=sessions,
        name=profile.name,
        role=profile.role,
        persona=profile.persona,
        style=STYLES[profile.style],
        preferences="\n".join(f'- {p.id}: {p.statement} (e.g. "{p.says[0]}")' for p in held),
    )


def parse_generated(text: str, profile: Profile, model: str) -> dict[str, Any]:
    """The JSON object of a model's reply as a history document (not yet validated).

    Raises:
        ConfigError: No JSON object in the reply.
    """
    match = re.search(r"\{.*\}", text or "", re.DOTALL)
    if not match:
        raise ConfigError("the reply holds no JSON object")
    try:
        data = json.loads(match.group(0))
    except ValueError as ex:
        raise ConfigError(f"the reply's JSON does not parse: {ex}") from ex
    if not isinstance(data, dict):
        raise ConfigError("the reply's JSON is not an object")
    return {"profile": profile.id, "generator": f"model:{model}", "sessions": data.get("sessions")}


async def generate_history(profile: Profile, sessions: int, model: str, attempts: int, max_tokens: int) -> History:
    """A validated history written by `model`; ConfigError naming the last problem when no attempt validates."""
    from inspect_ai.model import GenerateConfig, get_model

    problem = "no attempt made"
    for attempt in range(1, attempts + 1):
        config = GenerateConfig(temperature=0.0 if attempt == 1 else 0.7, max_tokens=max_tokens)
        output = await get_model(model).generate(generation_prompt(profile, sessions), config=config)
        try:
            document = parse_generated(output.completion, profile, model)
            return check_history(document, profile, f"{profile.id} (attempt {attempt})")
        except ConfigError as ex:
            problem = str(ex)
    raise ConfigError(f"{profile.id}: no valid history in {attempts} attempts; last problem: {problem}")


def write_histories(
    names: list[str], sessions: int, model: str | None, attempts: int, max_tokens: int, out: str
) -> list[str]:
    """Write `<profile>.json` histories to `out` (by `model`, or the scripted writer); one line per file."""
    import asyncio

    if sessions < 1 or attempts < 1:
        raise ConfigError("--sessions and --attempts must be at least 1")
    known = load_profiles()
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ConfigError(f"unknown profiles {unknown}; the profiles are {', '.join(known)}")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for name in names:
        profile = known[name]
        if model:
            from harness import install_offline_token_counting

            install_offline_token_counting()
            history = asyncio.run(generate_history(profile, sessions, model, attempts, max_tokens))
        else:
            history = scripted_history(profile, sessions)
        target = folder / f"{name}.json"
        target.write_text(json.dumps(history.to_dict(), indent=1) + "\n", encoding="utf-8")
        turns = sum(len(s["turns"]) for s in history.sessions)
        lines.append(f"{target}: {len(history.sessions)} sessions, {turns} turns ({history.generator})")
    return lines
