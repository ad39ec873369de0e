"""The `lend_an_ear` task: a simulated seeker brings a trouble; the model under test supports them."""

from __future__ import annotations

from itertools import zip_longest
from typing import Any

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import Scorer

from harness import ConfigError, Simulator

from ._findings import JUDGES
from ._judge import load_rubric
from ._prompts import SUPPORTER_PROMPT
from ._scenarios import SHIPPED, Scenario, load_scenarios
from ._scorers import coaching_scorer, empathy_scorer, felt_scorer
from ._seeker import DEFAULT_QUESTIONS, Seeker
from ._solvers import lend_an_ear_supporter, seeker_seat

_CONDITIONS = {"ai": ["ai"], "human": ["human"], "both": ["ai", "human"]}
_COACHING = {"off": [False], "on": [True], "both": [False, True]}


@task
def lend_an_ear(
    scenarios: str = SHIPPED,
    attribution: str = "ai",
    judge: str = "both",
    turns: int = 4,
    coaching: str = "off",
    coach_after: int = 2,
    domains: list[str] | None = None,
    rubric: str = "shipped",
    supporter_prompt: str | None = None,
    max_tokens: int = 300,
    judge_max_tokens: int = 160,
    simulator: Simulator | None = None,
) -> Task:
    """Lend an Ear: the model supports a simulated person in trouble; scored on how it expresses empathy.

    Args:
        scenarios: `shipped` (101 troubles written for the package), or a scenario .json file or a directory of them.
        attribution: Who the seeker is told supports them: ai, human, or both (each scenario under both, paired).
        judge: How moves are found: lexical (detectors), llm (rubric via the `grader` role), or both (LLM, lexical
            where it gave no answer).
        turns: Supporter turns per conversation (the seeker answers each, then rates the conversation).
        coaching: off, on (feedback after `coach_after` supporter turns) or both (each scenario with and
            without, paired).
        coach_after: Supporter turns before the coaching feedback.
        domains: Only these domains (personal, workplace).
        rubric: `shipped` or a rubric YAML for the LLM judge.
        supporter_prompt: Replace the supporter's documented system prompt.
        max_tokens: Cap on each supporter message (the model under test).
        judge_max_tokens: Cap on each answer of the LLM judge (six short lines).
        simulator: The seeker (default: lend_an_ear_seeker on the `user` role); simulator=NAME on the CLI.
    """
    _check(attribution, judge, turns, coaching, coach_after, domains, min(max_tokens, judge_max_tokens))
    if judge != "lexical":
        load_rubric(rubric)  # a bad rubric fails now, not in every sample
    chosen = [s for s in load_scenarios(scenarios) if not domains or s.domain in domains]
    if not chosen:
        raise ConfigError(f"task.domains={domains}: no scenario in {scenarios} has these domains (personal, workplace)")
    seeker = simulator or Seeker()
    options = {
        "judge": judge,
        "rubric": rubric,
        "turns": turns,
        "supporter_prompt": supporter_prompt or SUPPORTER_PROMPT,
        "judge_max_tokens": judge_max_tokens,
    }
    samples = [
        _sample(s, who, coached, coach_after if coaching != "off" else 0, options)
        for s in _interleave(chosen)
        for who in _CONDITIONS[attribution]
        for coached in _COACHING[coaching]
    ]
    return Task(
        dataset=MemoryDataset(samples, name=f"lend_an_ear:{scenarios}"),
        setup=seeker_seat(seeker),
        solver=lend_an_ear_supporter(),
        scorer=_scorers(attribution, judge, coaching, rubric),
        config=GenerateConfig(max_tokens=max_tokens),
        metadata={"attribution": attribution, "judge": judge, "coaching": coaching, "seeker": seeker.name},
    )


def _check(
    attribution: str,
    judge: str,
    turns: int,
    coaching: str,
    coach_after: int,
    domains: list[str] | None,
    max_tokens: int,
) -> None:
    if attribution not in _CONDITIONS:
        raise ConfigError(f"task.attribution must be ai, human or both, got {attribution!r}")
    if judge not in JUDGES:
        raise ConfigError(f"task.judge must be llm, lexical or both, got {judge!r}")
    if coaching not in _COACHING:
        raise ConfigError(f"task.coaching must be off, on or both, got {coaching!r}")
    if turns < 1:
        raise ConfigError(f"task.turns must be at least 1, got {turns}")
    if coaching != "off" and not 1 <= coach_after < turns:
        raise ConfigError(
            f"task.coach_after must be between 1 and turns - 1 ({turns - 1}) so turns follow the feedback, "
            f"got {coach_after}"
        )
    unknown = [d for d in domains or [] if d not in ("personal", "workplace")]
    if unknown:
        raise ConfigError(f"task.domains: unknown domain {unknown[0]!r}; known: personal, workplace")
    if max_tokens < 1:
        raise ConfigError(f"task.max_tokens and task.judge_max_tokens must be at least 1, got {max_tokens}")


def _interleave(scenarios: list[Scenario]) -> list[Scenario]:
    """Alternate the domains, so `limit=N` takes both."""
    groups = [[s for s in scenarios if s.domain == d] for d in ("workplace", "personal")]
    return [s for pair in zip_longest(*groups) for s in pair if s is not None]


def _sample(s: Scenario, attribution: str, coached: bool, split: int, options: dict[str, Any]) -> Sample:
    suffix = ":coached" if coached else ""
    return Sample(
        id=f"{s.id}:{attribution}{suffix}",
        input=s.opening,
        metadata={
            "scenario": s.id,
            "domain": s.domain,
            "topic": s.topic,
            "attribution": attribution,
            "coached": coached,
            "coach_after": split if coached else None,
            "split_after": split or None,
            "questions": list(DEFAULT_QUESTIONS.values()),
            **options,
            "simulator_context": {
                "hidden_info": s.situation,
                "persona": s.persona,
                "preferences": {"scenario": s.to_json(), "attribution": attribution},
            },
        },
    )


def _scorers(attribution: str, judge: str, coaching: str, rubric: str) -> list[Scorer]:
    scorers = [empathy_scorer(judge, rubric), felt_scorer()]
    if attribution == "both":
        scorers += [felt_scorer("ai"), felt_scorer("human")]
    if coaching != "off":
        scorers.append(coaching_scorer(True, judge, rubric))
    if coaching == "both":
        scorers.append(coaching_scorer(False, judge, rubric))
    return scorers
