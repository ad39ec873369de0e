"""What a results record sums up beside its metrics: the samples' counts, infrastructure causes,
flaky tests, the simulated user's questions, the tokens used, the headline metric and the versions."""

from __future__ import annotations

import platform
from collections import defaultdict
from importlib import metadata
from typing import Any

from harness.plugins._registry import PluginEntry
from harness.results._digest import SampleDigest
from harness.results._stats import mean_estimate

MAX_LISTED_SAMPLES = 50
"""The most samples a cause or a flaky test lists (its count covers them all)."""


def tokens_used(stats: Any) -> dict[str, Any]:
    """The tokens inspect counted (`log.stats`), in all and by model."""
    by_model = {
        model: {"input": usage.input_tokens, "output": usage.output_tokens, "total": usage.total_tokens}
        for model, usage in (stats.model_usage or {}).items()
    }
    return {
        "input": sum(u["input"] for u in by_model.values()),
        "output": sum(u["output"] for u in by_model.values()),
        "total": sum(u["total"] for u in by_model.values()),
        "by_model": by_model,
    }


def primary_metric(log: Any) -> dict[str, Any] | None:
    """The headline metric inspect resolved for the run, and whether the task declared it."""
    headline = getattr(log.results, "headline", None) if log.results else None
    if headline is None or headline.metric is None:
        return None
    scorer = headline.score or headline.scorer
    if scorer is None:
        return None
    return {"scorer": scorer, "name": headline.metric, "declared": log.eval.headline_metric is not None}


def sample_counts(log: Any, digests: list[SampleDigest], not_run: int = 0) -> dict[str, int]:
    """Samples (× epochs) planned, scored, failed, interrupted and never started, counted from the
    log's samples themselves.

    A run that ended early (error, Ctrl-C, killed) still has a log holding the samples that
    finished; the counts always agree with it. `errors` counts samples that ended in an error other
    than the run's interruption (`cancelled`); `infra_errors` those of them whose cause is a fault of
    the infrastructure (`harness.InfraError`); `flaky` scored samples with a test that failed, then
    passed on re-run; `not_run` the planned samples the log does not hold (the run stopped before
    they started), at least the given `not_run`; for a task that scores every sample, completed +
    errors + cancelled + not_run = total.
    """
    epochs = log.eval.config.epochs or 1
    planned = log.results.total_samples if log.results else len(log.eval.dataset.sample_ids or []) * epochs
    cancelled = sum(1 for d in digests if d.error and d.error_type == "CancelledError")
    not_run = max(not_run, planned - len(digests))  # a run that stopped early (an error, Ctrl-C) left these
    return {
        "total": max(planned, len(digests) + not_run),
        "completed": sum(1 for d in digests if d.completed),
        "errors": sum(1 for d in digests if d.error) - cancelled,
        "infra_errors": sum(1 for d in digests if d.error and d.infra_error),
        "cancelled": cancelled,
        "not_run": not_run,
        "flaky": sum(1 for d in digests if d.flaky and d.completed),
        "epochs": epochs,
    }


def infra_error_causes(digests: list[SampleDigest]) -> list[dict[str, Any]]:
    """The infrastructure errors' causes, most frequent first, each with its count and (some of) its samples."""
    by_cause: dict[str, list[SampleDigest]] = defaultdict(list)
    for item in digests:
        if item.error and item.infra_error:
            by_cause[item.cause or "InfraError"].append(item)
    ranked = sorted(by_cause.items(), key=lambda pair: (-len(pair[1]), pair[0]))
    return [{"cause": cause, "count": len(items), "samples": _sample_refs(items)} for cause, items in ranked]


def flaky_tests(digests: list[SampleDigest]) -> list[dict[str, Any]]:
    """Each test that failed, then passed on re-run, with the samples it did so in."""
    by_test: dict[str, list[SampleDigest]] = defaultdict(list)
    for item in digests:
        for test in item.flaky:
            by_test[test].append(item)
    return [
        {"test": test, "count": len(items), "samples": _sample_refs(items)} for test, items in sorted(by_test.items())
    ]


def _sample_refs(items: list[SampleDigest]) -> list[dict[str, Any]]:
    return [{"id": item.id, "epoch": item.epoch} for item in items[:MAX_LISTED_SAMPLES]]


def simulation_summary(digests: list[SampleDigest]) -> dict[str, Any] | None:
    """Who played the user and how much the agents asked: questions per sample with its CI.

    None when the task has no simulated user (no sample was given a simulator context); a task
    whose agents never asked reports 0 questions. Each sample's full conversation stays in the
    inspect log (sample store `harness.simulation` and transcript events from `simulator`).
    """
    from harness.simulation._record import ConversationRecord

    if not any(d.has_simulator for d in digests):
        return None
    records = [ConversationRecord.from_dict(d.conversation) for d in digests]
    asked = [float(len(r.asked)) for r in records]
    turns = [float(len(r.turns)) for r in records]
    return {
        "simulators": sorted({r.simulator for r in records if r.simulator}),
        "max_turns": max((r.max_turns for r in records if r.max_turns is not None), default=None),
        "samples": len(records),
        "samples_that_asked": sum(1 for a in asked if a > 0),
        "questions_per_sample": mean_estimate(asked, binary=False).to_dict(),  # counts, not pass/fail
        "turns_per_sample": mean_estimate(turns, binary=False).to_dict(),
        "over_budget_turns": int(sum(t - a for t, a in zip(turns, asked, strict=True))),
    }


def versions_used(plugins: list[PluginEntry]) -> dict[str, Any]:
    """The versions of plugeval, inspect-ai, Python and the run's plugins."""
    return {
        "plugeval": _version("plugeval"),
        "inspect_ai": _version("inspect-ai"),
        "python": platform.python_version(),
        "plugins": [{"kind": p.kind.value, "name": p.name, "dist": p.dist, "version": p.version} for p in plugins],
    }


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"
