"""AutoMetrics, bank-only: retrieve bank metrics for a task, regress them on human scores, report agreement."""

from __future__ import annotations

import ast
import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness import ConfigError

from ._agreement import Correlation, correlations
from ._bank import BANK
from ._regression import Composite, Method, fit_composite
from ._retrieval import rank_metrics


@dataclass(frozen=True)
class Row:
    """One rated output."""

    group: str
    """Rows of the same group (e.g. the same source text) stay on one side of the split."""
    output: str
    references: tuple[str, ...]
    source: str
    human: float


@dataclass(frozen=True)
class AutoMetricsResult:
    """The composite and how each candidate agrees with human scores on held-out rows."""

    composite: Composite
    retrieved: list[str]
    train_rows: int
    test_rows: int
    composite_agreement: dict[str, Correlation]
    single_agreement: dict[str, dict[str, Correlation]]


def load_rows(
    path: str | Path,
    *,
    output: str = "simple",
    source: str = "original",
    references: str = "references",
    score: str = "score",
    group: str = "id",
) -> list[Row]:
    """Rows from a CSV (defaults: the SimpEval columns); references may be a Python/JSON list string."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path} not found")
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for number, record in enumerate(csv.DictReader(handle), start=2):
            try:
                refs = record.get(references) or "[]"
                parsed = ast.literal_eval(refs) if refs.strip().startswith("[") else [refs]
                rows.append(
                    Row(
                        str(record[group]),
                        record[output],
                        tuple(parsed),
                        record.get(source) or "",
                        float(record[score]),
                    )
                )
            except (KeyError, ValueError, SyntaxError) as ex:
                raise ConfigError(f"{path}:{number}: bad row ({type(ex).__name__}: {ex})") from ex
    return rows


def split_by_group(rows: list[Row], train_fraction: float = 0.8, seed: int = 0) -> tuple[list[Row], list[Row]]:
    """Random split of the groups (not the rows), so no source text is on both sides."""
    groups = sorted({r.group for r in rows})
    rng = np.random.default_rng(seed)
    rng.shuffle(groups)
    train_groups = set(groups[: round(len(groups) * train_fraction)])
    return [r for r in rows if r.group in train_groups], [r for r in rows if r.group not in train_groups]


def bank_columns(rows: list[Row], names: list[str]) -> dict[str, list[float]]:
    """Each named bank metric on every row."""
    return {n: [BANK[n].compute(r.output, r.references, r.source) for r in rows] for n in names}


def run_bank_only(
    rows: list[Row],
    task_description: str,
    *,
    retrieve_k: int = 8,
    top_k: int = 5,
    method: Method = "pls",
    train_fraction: float = 0.8,
    seed: int = 0,
    resamples: int = 2000,
) -> AutoMetricsResult:
    """Retrieve `retrieve_k` bank metrics for the task, fit the composite on the training split, and
    measure Kendall tau / Spearman against human scores on the held-out split, for the composite and
    for each retrieved metric alone (sign-corrected by its card: lower-is-better metrics are negated).
    """
    retrieved = [name for name, _ in rank_metrics(task_description)[:retrieve_k]]
    train, test = split_by_group(rows, train_fraction, seed)
    if len(train) < 3 or len(test) < 3:
        raise ConfigError(f"too few rows to split ({len(train)} train, {len(test)} test)")
    train_columns, test_columns = bank_columns(train, retrieved), bank_columns(test, retrieved)
    composite = fit_composite(train_columns, [r.human for r in train], method=method, top_k=top_k, seed=seed)
    human = [r.human for r in test]
    singles = {}
    for name in retrieved:
        sign = 1.0 if BANK[name].card.higher_is_better else -1.0
        singles[name] = correlations([sign * v for v in test_columns[name]], human, seed, resamples)
    return AutoMetricsResult(
        composite=composite,
        retrieved=retrieved,
        train_rows=len(train),
        test_rows=len(test),
        composite_agreement=correlations(composite.predict(test_columns), human, seed, resamples),
        single_agreement=singles,
    )
