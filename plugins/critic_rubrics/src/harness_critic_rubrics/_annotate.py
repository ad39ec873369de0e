"""Annotation: every rubric item of a trajectory, by detectors, by the LLM judge, or both.

`annotator=programmatic` decides the items that have a detector and leaves the rest missing;
`llm` asks the judge every item; `both` uses the detector where there is one and the judge for
the rest. One Annotation per trajectory; `Annotation.row()` is one line of the JSONL table.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from harness import ConfigError

from ._detectors import DETECTORS
from ._judge import Judge
from ._rubric import Rubric
from ._trace import Trace

ANNOTATORS = ("programmatic", "llm", "both")
"""Annotator choices."""


@dataclass
class Annotation:
    """The rubric items of one trajectory.

    Attributes:
        trace: The trajectory.
        rubric: Rubric set name.
        rubric_version: Its version.
        annotator: `programmatic`, `llm` or `both`.
        items: Item → 1 (present), 0 (absent) or None (missing: no detector, or no parsable judgment).
        source: Item → `programmatic`, `llm` or `none`.
        evidence: Item → one line of evidence (detectors only; the judge answers yes/no).
    """

    trace: Trace
    rubric: str
    rubric_version: str
    annotator: str
    items: dict[str, int | None] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)

    def row(self, outcome: float | None = None) -> dict[str, Any]:
        """One row of the annotation table (see the README's "Annotation table")."""
        return {
            "run": self.trace.run,
            "task": self.trace.task,
            "sample_id": self.trace.sample_id,
            "epoch": self.trace.epoch,
            "trace_hash": self.trace.hash,
            "rubric": self.rubric,
            "rubric_version": self.rubric_version,
            "annotator": self.annotator,
            "items": self.items,
            "source": self.source,
            "evidence": self.evidence,
            "outcome": outcome,
        }


def check_annotator(annotator: str) -> str:
    """`annotator` if valid, else a ConfigError naming the choices."""
    if annotator not in ANNOTATORS:
        raise ConfigError(f"annotator '{annotator}' is not one of {', '.join(ANNOTATORS)}")
    return annotator


def programmatic(trace: Trace, rubric: Rubric, annotator: str = "programmatic") -> Annotation:
    """Decide every item with a detector; the others stay missing (source `none`)."""
    annotation = Annotation(trace, rubric.name, rubric.version, annotator)
    for item in rubric.items:
        if item.detector is None:
            annotation.items[item.name], annotation.source[item.name] = None, "none"
            continue
        decision = DETECTORS[item.detector](trace)
        annotation.items[item.name] = decision.value
        annotation.source[item.name] = "programmatic"
        annotation.evidence[item.name] = decision.evidence
    return annotation


async def annotate_async(trace: Trace, rubric: Rubric, annotator: str, judge: Judge | None = None) -> Annotation:
    """Annotate one trajectory (in a running event loop, e.g. inside a scorer)."""
    check_annotator(annotator)
    annotation = programmatic(trace, rubric, annotator)
    if annotator == "programmatic":
        return annotation
    asked = [i for i in rubric.items if annotator == "llm" or i.detector is None]
    if judge is None:
        raise ConfigError(f"annotator={annotator} needs an LLM judge (grader=MODEL)")
    answers = await judge.judge(trace, rubric, asked)
    for item in asked:
        annotation.items[item.name] = answers.get(item.name)
        annotation.source[item.name] = "llm"
        annotation.evidence.pop(item.name, None)
    return annotation


def annotate(
    traces: Iterable[Trace],
    rubric: Rubric,
    annotator: str = "programmatic",
    judge: Judge | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Annotation]:
    """Annotate trajectories (programmatic detectors, the judge, or both), in order.

    Args:
        traces: The trajectories.
        rubric: The rubric set.
        annotator: `programmatic`, `llm` or `both`.
        judge: The LLM judge (needed for `llm` and `both`).
        progress: Called with 1 after each trajectory.
    """
    traces = list(traces)
    check_annotator(annotator)
    if annotator == "programmatic":
        return [programmatic(t, rubric) for t in traces]

    async def run_all() -> list[Annotation]:
        async def one(trace: Trace) -> Annotation:
            annotation = await annotate_async(trace, rubric, annotator, judge)
            if progress:
                progress(1)
            return annotation

        return list(await asyncio.gather(*(one(t) for t in traces)))

    return asyncio.run(run_all())


def write_table(rows: Iterable[dict[str, Any]], path: str | Path) -> Path:
    """Write annotation rows as JSONL."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return out
