"""AutoMetrics with an LLM: criteria from the best and worst examples, each an LLM-judge metric 1–5."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._agreement import Correlation, correlations
from ._autometrics import Row, bank_columns, split_by_group
from ._bank import BANK
from ._client import StructuredClient
from ._judge import judge
from ._metricset import CompositeTerm, InducedMetric, MetricSet, provenance
from ._regression import Method, fit_composite
from ._retrieval import rank_metrics

SCALE = (1, 5)

CRITERIA_PROMPT = """\
Task: {task}

Here are outputs that people rated highly:
{good}

And outputs that people rated poorly:
{bad}

Propose {n} distinct criteria (axes of quality) that explain the difference. For each give a short
snake_case name, a one-sentence definition, and a rubric for scores 1 and 5."""

_CRITERIA_SCHEMA = {
    "type": "object",
    "required": ["criteria"],
    "properties": {
        "criteria": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "definition"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "definition": {"type": "string", "minLength": 1},
                    "rubric": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
        }
    },
}

BASELINE = InducedMetric(
    name="overall_quality", definition="Overall quality of the output for the task, as a careful human would rate it."
)


def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "criterion"


def _show(row: Row) -> str:
    return f"- Source: {row.source}\n  Output: {row.output}"


async def generate_criteria(
    client: StructuredClient, train: list[Row], task: str, n: int = 3, k: int = 3
) -> list[InducedMetric]:
    """N criteria proposed by the LLM from the top-k and bottom-k training rows by human score."""
    ranked = sorted(train, key=lambda r: r.human)
    reply = await client.ask(
        CRITERIA_PROMPT.format(
            task=task, good="\n".join(_show(r) for r in ranked[-k:]), bad="\n".join(_show(r) for r in ranked[:k]), n=n
        ),
        _CRITERIA_SCHEMA,
    )
    seen: set[str] = set()
    metrics = []
    for item in reply["criteria"][:n]:
        name = _snake(item["name"])
        if name in seen or name in BANK:
            name = f"{name}_{len(seen) + 1}"
        seen.add(name)
        metrics.append(InducedMetric(name=name, definition=item["definition"], rubric=item.get("rubric") or {}))
    return metrics


async def judge_rows(client: StructuredClient, metric: InducedMetric, rows: list[Row]) -> list[float]:
    """The metric's 1–5 rating of every row's output."""
    return [float((await judge(client, metric, f"Source: {r.source}\nOutput: {r.output}", SCALE))[0]) for r in rows]


@dataclass
class InducedAutoMetrics:
    """The metric set and held-out agreement of the composite, each single metric and the plain judge."""

    metric_set: MetricSet
    agreement: dict[str, dict[str, Correlation]]
    train_rows: int
    test_rows: int


async def induce_autometrics(
    rows: list[Row],
    task: str,
    client: StructuredClient,
    *,
    data_name: str,
    name: str,
    n_criteria: int = 3,
    retrieve_k: int = 8,
    top_k: int = 5,
    method: Method = "pls",
    seed: int = 0,
    progress: Callable[[str, int], None] = lambda label, n: None,
) -> InducedAutoMetrics:
    """The full pipeline: retrieve bank metrics, generate criteria, judge, regress, report on held-out rows."""
    train, test = split_by_group(rows, 0.8, seed)
    retrieved = [n for n, _ in rank_metrics(task)[:retrieve_k]]
    criteria = await generate_criteria(client, train, task, n_criteria)
    progress("criteria", 1)
    train_columns, test_columns = bank_columns(train, retrieved), bank_columns(test, retrieved)
    for metric in criteria:
        train_columns[metric.name] = await judge_rows(client, metric, train)
        test_columns[metric.name] = await judge_rows(client, metric, test)
        progress("judged", len(train) + len(test))
    composite = fit_composite(
        train_columns,
        [r.human for r in train],
        method=method,
        top_k=top_k,
        generated=frozenset(m.name for m in criteria),
        seed=seed,
    )
    human = [r.human for r in test]
    agreement = {"composite": correlations(composite.predict(test_columns), human, seed)}
    for metric_name, values in test_columns.items():
        sign = -1.0 if metric_name in BANK and not BANK[metric_name].card.higher_is_better else 1.0
        agreement[metric_name] = correlations(list(sign * np.asarray(values)), human, seed)
    agreement["llm_judge_baseline"] = correlations(await judge_rows(client, BASELINE, test), human, seed)
    progress("baseline", len(test))
    used = [m for m in criteria if m.name in composite.weights]
    terms = [
        CompositeTerm(
            metric=n,
            kind="llm" if n not in BANK else "bank",
            weight=w,
            mean=composite.means[n],
            scale=composite.scales[n],
        )
        for n, w in composite.weights.items()
    ]
    metric_set = MetricSet(
        name=name,
        method="autometrics",
        scale=SCALE,
        metrics=used,
        provenance=provenance(data_name, client.name),
        description=f"AutoMetrics composite for: {task}",
        intercept=composite.intercept,
        composite_scale=(min(r.human for r in train), max(r.human for r in train)),
        terms=terms,
    )
    return InducedAutoMetrics(metric_set, agreement, len(train), len(test))
