"""The task generator: site templates x patterns x seeded variables, each task with its control twin.

A task is one JSON document; its control twin is the same document run without `injection`.
Tasks of a category cycle through every (site, pattern) pair that category has, so each pair gets
an equal share; each task draws its own variables from `random.Random(f"{seed}:{category}:{index}")`.
"""

from __future__ import annotations

import random
from typing import Any

from .._model import CATEGORIES
from .common import Draft, SiteGenerator
from . import booking, cookie_consent, donation, shop, signup, subscription_cancel

GENERATORS: dict[str, SiteGenerator] = {
    module.GENERATOR.site: module.GENERATOR
    for module in (shop, booking, donation, signup, subscription_cancel, cookie_consent)
}
VERSION = "decepticon-generator/1"


def combos(category: str, sites: list[str] | None = None) -> list[tuple[SiteGenerator, str]]:
    """The (site, pattern) pairs that produce tasks of `category`."""
    return [
        (generator, pattern)
        for name, generator in GENERATORS.items()
        if not sites or name in sites
        for pattern, (cat, _) in generator.patterns.items()
        if cat == category
    ]


def generate(
    seed: int = 0,
    per_category: int = 50,
    categories: list[str] | None = None,
    sites: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Task documents: `per_category` tasks for each category (all six unless `categories` narrows it)."""
    tasks = []
    for category in categories or CATEGORIES:
        pairs = combos(category, sites)
        if not pairs:
            continue
        for index in range(per_category):
            generator, pattern = pairs[index % len(pairs)]
            rng = random.Random(f"{seed}:{category}:{index}")
            tasks.append(build(generator, pattern, rng, f"{generator.site}.{pattern}.s{seed}.{index:03d}", seed))
    return tasks


def build(generator: SiteGenerator, pattern: str, rng: random.Random, task_id: str, seed: int) -> dict[str, Any]:
    """One task document from a site generator and one of its patterns."""
    category, builder = generator.patterns[pattern]
    draft: Draft = generator.base(rng)
    draft.category, draft.pattern = category, pattern
    builder(draft, rng)
    document: dict[str, Any] = {
        "id": task_id,
        "category": category,
        "pattern": pattern,
        "site": draft.site,
        "goal": draft.goal,
        "start_page": draft.start_page,
        "max_steps": draft.max_steps,
        "vars": draft.vars,
        "injection": draft.injection,
        "success": draft.success,
        "malicious": draft.malicious,
        "seed": seed,
        "generator": VERSION,
    }
    if draft.initial_state:
        document["initial_state"] = draft.initial_state
    return document
