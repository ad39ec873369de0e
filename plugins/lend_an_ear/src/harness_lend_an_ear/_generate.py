"""More scenarios from a template and an LLM (any inspect model); every one validated like the shipped set.

The template asks for one trouble of a given domain and theme as a JSON object with the schema's
fields. The id and domain are set here, not by the model; a reply that is not a JSON object, or
breaks the schema, or repeats an id, is dropped and reported (the model is asked again up to
`attempts` times per scenario).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from typing import Any

from ._scenarios import Scenario, schema_errors

THEMES = {
    "workplace": (
        "conflict with a manager",
        "being overlooked",
        "a mistake at work",
        "losing a job",
        "a difficult colleague",
        "burnout",
        "unfair treatment",
        "a career setback",
        "a frightening incident at work",
        "a moral dilemma at work",
    ),
    "personal": (
        "a loss or bereavement",
        "a strained family relationship",
        "a breakup or betrayal",
        "loneliness",
        "a health scare",
        "money worries",
        "a friendship falling apart",
        "a parenting worry",
        "a big life change",
        "feeling judged by others",
    ),
}

TEMPLATE = """Write one realistic scenario for a study of emotional support conversations: a person with a \
{domain} trouble about {theme} reaches out to talk. Return only a JSON object with these keys:
"topic": a few words naming the trouble;
"persona": who they are, e.g. "Sam, 29, a nurse" (third person);
"opening": their first message, first person, one or two sentences;
"situation": what happened, third person, two or three sentences;
"feelings": a list of two or three feeling words;
"details": a list of three things they would share if invited, first person, one sentence each;
"hopes": what they hope for from the conversation, completing "What I'd really like is ...";
"dismissive": a list of two replies they would find dismissive, each starting "being told".
Vary names, ages, jobs and details. No other text."""


@dataclass
class Generated:
    """The scenarios kept and the replies dropped (with why)."""

    scenarios: list[Scenario] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


def parse_scenario(reply: str, scenario_id: str, domain: str) -> Scenario:
    """The scenario in a model's reply; ValueError saying what is wrong with it."""
    found = re.search(r"\{.*\}", reply or "", re.DOTALL)
    if not found:
        raise ValueError("the reply holds no JSON object")
    try:
        data: Any = json.loads(found.group(0))
    except ValueError as ex:
        raise ValueError(f"the reply's JSON does not parse: {ex}") from ex
    if not isinstance(data, dict):
        raise ValueError("the reply's JSON is not an object")
    document = {**data, "id": scenario_id, "domain": domain}
    errors = schema_errors(document)
    if errors:
        raise ValueError(f"schema: {errors[0]}")
    return Scenario.from_json(document)


async def generate_scenarios(
    model: Any, count: int, domains: tuple[str, ...] = ("workplace", "personal"), seed: int = 0, attempts: int = 3
) -> Generated:
    """`count` new scenarios from `model` (an inspect model or its name), themes drawn with `seed`."""
    from inspect_ai.model import GenerateConfig, get_model

    llm = get_model(model) if isinstance(model, str) else model
    rng = random.Random(seed)
    result = Generated()
    for index in range(count):
        domain = domains[index % len(domains)]
        scenario_id = f"gen-{seed}-{index + 1:03d}"
        for _ in range(attempts):
            theme = rng.choice(THEMES[domain])
            output = await llm.generate(
                TEMPLATE.format(domain=domain, theme=theme), config=GenerateConfig(temperature=0.9)
            )
            try:
                result.scenarios.append(parse_scenario(output.completion, scenario_id, domain))
                break
            except ValueError as ex:
                result.rejected.append(f"{scenario_id} ({theme}): {ex}")
    return result
