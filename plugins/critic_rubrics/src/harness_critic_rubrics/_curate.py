"""Curation: the top critic-scored trajectories of a run as JSONL chat transcripts, for training."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from harness import ConfigError

from ._scoring import Scored
from ._trace import Trace


def messages(trace: Trace) -> list[dict[str, Any]]:
    """The trajectory as chat messages (role, content, tool_calls, tool_call_id), as fine-tuning data expects."""
    out = []
    for step in trace.steps:
        message: dict[str, Any] = {"role": step.role, "content": step.text}
        if step.calls:
            message["tool_calls"] = [
                {"id": c.id, "type": "function", "function": {"name": c.function, "arguments": json.dumps(c.arguments)}}
                for c in step.calls
            ]
        if step.call_id:
            message["tool_call_id"] = step.call_id
        out.append(message)
    return out


Candidate = tuple[Scored, "int | None"]
"""A scored trajectory and its outcome (None when unknown)."""


def select(candidates: Sequence[Candidate], top: float, min_score: float = 0.0) -> list[Candidate]:
    """The best-scored trajectories: `top` < 1 is a fraction, >= 1 a count; below `min_score` never."""
    if top <= 0:
        raise ConfigError(f"top={top}: give a fraction (0.2 = the best 20%) or a count (50)")
    ranked = sorted(candidates, key=lambda c: -c[0].probability)
    count = max(1, round(top * len(ranked))) if top < 1 else int(top)
    return [c for c in ranked[:count] if c[0].probability >= min_score]


def curate(chosen: Sequence[Candidate], out: str | Path) -> Path:
    """Write the chosen trajectories as JSONL: ids, critic score and drivers, outcome if known, messages."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as file:
        for item, outcome in chosen:
            trace = item.annotation.trace
            row = {
                "run": trace.run,
                "task": trace.task,
                "sample_id": trace.sample_id,
                "epoch": trace.epoch,
                "critic_score": round(item.probability, 6),
                "cross_fit_fold": item.fold,
                "drivers": dict(item.drivers),
                "outcome": outcome,
                "messages": messages(trace),
            }
            file.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path
