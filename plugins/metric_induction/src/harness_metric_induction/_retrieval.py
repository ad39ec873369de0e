"""Rank bank metrics for a task description (BM25 over the metric cards)."""

from __future__ import annotations

import re

from ._bank import BANK

_TOKEN = re.compile(r"[a-z0-9]+")


def rank_metrics(task_description: str, names: list[str] | None = None) -> list[tuple[str, float]]:
    """Bank metric names with their BM25 score for the description, best first (ties keep bank order)."""
    from rank_bm25 import BM25Okapi

    names = names or list(BANK)
    corpus = [_TOKEN.findall(BANK[n].card.text.lower()) for n in names]
    scores = BM25Okapi(corpus).get_scores(_TOKEN.findall(task_description.lower()))
    return sorted(zip(names, (float(s) for s in scores), strict=True), key=lambda pair: -pair[1])
