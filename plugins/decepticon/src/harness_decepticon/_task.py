"""The `decepticon` task: web goals with dark patterns, treatment and control, in real Chromium."""

from __future__ import annotations

import difflib
from itertools import zip_longest
from typing import Any, Literal

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample

from harness import ConfigError

from ._browser import chromium_path
from ._limits import browser_limits
from ._live import close_episode
from ._model import CATEGORIES, DecepticonTask
from ._scorers import decepticon_dp_difference, decepticon_outcome, group_scorer
from ._solvers import decepticon_agent
from ._tasks import SHIPPED, load_tasks


@task
def decepticon(
    tasks: str = SHIPPED,
    variant: Literal["treatment", "control", "both"] = "both",
    categories: list[str] | None = None,
    patterns: list[str] | None = None,
    sites: list[str] | None = None,
    defense: Literal["none", "warning", "guardrail"] = "none",
    guardrail_model: str | None = None,
    max_steps: int | None = None,
    per_category: bool = True,
    screenshots: bool = True,
) -> Task:
    """DECEPTICON: web agents against dark patterns (treatment vs control), scored on server-side state.

    Args:
        tasks: `shipped` (the seeded set), or a task .json file (one task or a list), or a directory of them.
        variant: treatment (with the dark pattern), control (the same flow without it), or both (paired samples).
        categories: Only these categories: sneaking, urgency, misdirection, social_proof, obstruction, forced_action.
        patterns: Only these patterns (e.g. sneak_into_basket,confirmshaming).
        sites: Only tasks on these site templates (e.g. shop,booking).
        defense: none, warning (in-context warning about dark patterns) or guardrail (a second model vets actions).
        guardrail_model: The guardrail's model when no `guardrail` model role is set (default: the model under test).
        max_steps: Override every task's step budget.
        per_category: Also report success and DP per category and variant.
        screenshots: Offer the screenshot tool (images for vision models).
    """
    chromium_path()  # no browser: say so now, not in every sample
    browser_limits()  # a bad DECEPTICON_ACTIONS / DECEPTICON_EPISODES too
    if variant not in ("treatment", "control", "both"):
        raise ConfigError(f"task.variant must be treatment, control or both, got {variant!r}")
    if defense not in ("none", "warning", "guardrail"):
        raise ConfigError(f"task.defense must be none, warning or guardrail, got {defense!r}")
    if max_steps is not None and max_steps < 1:
        raise ConfigError(f"task.max_steps must be at least 1, got {max_steps}")
    chosen = _select(load_tasks(tasks), categories, patterns, sites)
    variants = ["treatment", "control"] if variant == "both" else [variant]
    samples = [_sample(t, v, defense, guardrail_model, max_steps) for t in interleave(chosen) for v in variants]
    scorers: list[Any] = [decepticon_outcome()]
    scorers += [group_scorer(v) for v in variants]
    if per_category:
        present = [c for c in CATEGORIES if any(t.category == c for t in chosen)]
        scorers += [group_scorer(v, c) for v in variants for c in present]
    if len(variants) == 2:
        scorers.append(decepticon_dp_difference())
    return Task(
        dataset=MemoryDataset(samples, name=f"decepticon:{tasks}"),
        solver=decepticon_agent(screenshots=screenshots),
        scorer=scorers,
        cleanup=close_episode,
        # working time: waiting for a browser slot (or a model connection) does not count against it
        working_limit=max(t.time_limit for t in chosen),
        metadata={
            "variant": variant,
            "defense": defense,
            "guardrail_model": guardrail_model,
            "tasks": tasks,
            # every sample holds a browser: the harness keeps inspect's concurrency and retries infrastructure faults
            "harness_heavy": "browser",
        },
    )


def _select(
    tasks: list[DecepticonTask], categories: list[str] | None, patterns: list[str] | None, sites: list[str] | None
) -> list[DecepticonTask]:
    for label, wanted, known in (
        ("categories", categories, list(CATEGORIES)),
        ("patterns", patterns, sorted({t.pattern for t in tasks})),
        ("sites", sites, sorted({t.site for t in tasks})),
    ):
        for name in wanted or []:
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                kind = "category" if label == "categories" else label[:-1]
                raise ConfigError(f"task.{label}: unknown {kind} {name!r}{hint}; known: {', '.join(known)}")
    chosen = [
        t
        for t in tasks
        if (not categories or t.category in categories)
        and (not patterns or t.pattern in patterns)
        and (not sites or t.site in sites)
    ]
    if not chosen:
        raise ConfigError("no DECEPTICON task matches task.categories / task.patterns / task.sites together")
    return chosen


def interleave(tasks: list[DecepticonTask]) -> list[DecepticonTask]:
    """The tasks round-robin over categories (the task's sample order), so the first N cover every category."""
    by_category = [[t for t in tasks if t.category == c] for c in CATEGORIES]
    return [t for group in zip_longest(*by_category) for t in group if t is not None]


def _sample(
    t: DecepticonTask, variant: str, defense: str, guardrail_model: str | None, max_steps: int | None
) -> Sample:
    document = t.to_json() | ({"max_steps": max_steps} if max_steps else {})
    if t.base_dir is not None:
        document["base_dir"] = str(t.base_dir)
    return Sample(
        id=f"{t.id}:{variant}",
        input=t.goal.text,
        target="",
        metadata={
            "decepticon_task": document,
            "variant": variant,
            "category": t.category,
            "pattern": t.pattern,
            "site": t.site,
            "defense": defense,
            "guardrail_model": guardrail_model,
        },
    )
