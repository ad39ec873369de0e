"""Merging shard logs into one ordinary inspect log, with inspect's public log API.

Each shard log is read (`read_eval_log`; a log a dying worker left half-written is first
recovered with `recover_eval_log`), the samples are put together in dataset order, samples no
shard finished are added as errors (never dropped), the metrics are recomputed over all of them
with inspect's own `recompute_metrics` (the task's scorers, metrics and epoch reducers), and the
result is written with `write_eval_log` as `<run dir>/<name>.eval`, beside the shards'
`<name>.shards/<k>/` directories (inspect's own layout for shard logs: its viewer hides shards
that a finished merged log covers). The merged header names its shards in `eval.shards`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from harness.run._worker import SHARD_METADATA


@dataclass(frozen=True)
class ShardOutcome:
    """How one shard ended, as the executor saw it.

    Attributes:
        index: Shard number.
        log: Location of its log, or None when it wrote none.
        problem: Why it ended early (worker died, task failed...), or None.
        cancelled: It was stopped by Ctrl-C.
    """

    index: int
    log: str | None
    problem: str | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class PlannedSample:
    """A dataset sample the run covers: its id (inspect numbers id-less samples by position) and inputs."""

    id: Any
    input: Any
    target: Any
    metadata: Mapping[str, Any] | None


def planned_samples(dataset: Any, start: int, stop: int) -> list[PlannedSample]:
    """The samples at dataset positions `[start, stop)`, with the ids inspect gives them."""
    planned = []
    for position in range(start, stop):
        sample = dataset[position]
        sample_id = sample.id if sample.id is not None else position + 1
        planned.append(PlannedSample(sample_id, sample.input, sample.target, sample.metadata))
    return planned


def read_shard(outcome: ShardOutcome) -> Any | None:
    """A shard's log with its samples; one a dying worker left half-written is recovered first."""
    from inspect_ai.log import read_eval_log, recover_eval_log

    if outcome.log is None:
        return None
    try:
        log = read_eval_log(outcome.log)
    except Exception:  # killed before its first flush: nothing readable
        return None
    if log.status == "started":
        try:
            log = recover_eval_log(outcome.log, cleanup=False)
        except Exception:  # no recovery data: what was flushed is what there is
            pass
    return log


def lost_samples(logs: Sequence[Any], planned: Sequence[PlannedSample], epochs: int) -> list[tuple[Any, int]]:
    """(id, epoch) of every planned sample no shard log holds."""
    present = {(sample.id, sample.epoch) for log in logs for sample in log.samples or []}
    return [(item.id, epoch) for item in planned for epoch in range(1, epochs + 1) if (item.id, epoch) not in present]


def merge_logs(
    shards: Sequence[tuple[ShardOutcome, Any | None]],
    planned: Sequence[PlannedSample],
    location: str,
    run_options: Mapping[str, Any],
) -> Any:
    """Write the merged log of `logs` (the readable shard logs) to `location` and return it.

    Args:
        shards: How every shard ended, with its log (None when it left none), in shard order;
            for a sample found in several logs (a replacement worker's), the first wins.
        planned: The samples the whole run covers, in dataset order.
        location: Where to write the merged `.eval` log.
        run_options: The run's inspect arguments (limit and run-wide limits, as the user gave them).
    """
    from inspect_ai.log import EvalLog, EvalShards, recompute_metrics, write_eval_log

    logs = [log for _, log in shards if log is not None]
    outcomes = [outcome for outcome, _ in shards]
    if not logs:
        raise ValueError("no shard wrote a log")
    first = logs[0]
    epochs = first.eval.config.epochs or 1
    order = {item.id: index for index, item in enumerate(planned)}
    samples: dict[tuple[Any, int], Any] = {}
    for log in logs:
        for sample in log.samples or []:
            samples.setdefault((sample.id, sample.epoch), sample)
    problems = [o for o in outcomes if o.problem]
    lost = lost_samples(logs, planned, epochs)
    for sample_id, epoch in lost:
        item = planned[order[sample_id]]
        samples[(sample_id, epoch)] = _lost_sample(item, epoch, _lost_reason(problems))
    ordered = sorted(samples.values(), key=lambda s: (order.get(s.id, len(order)), s.epoch))
    spec = first.eval.model_copy(deep=True)
    spec.metadata = {k: v for k, v in (spec.metadata or {}).items() if k != SHARD_METADATA}
    spec.dataset.sample_ids = [item.id for item in planned]
    spec.config.limit = _limit(run_options.get("limit"))
    for key in ("max_samples", "max_sandboxes"):  # the run's limits, not one worker's share
        setattr(spec.config, key, run_options.get(key))
    generate = spec.model_generate_config
    generate.max_connections = run_options.get("max_connections")
    generate.adaptive_connections = run_options.get("adaptive_connections")
    spec.shards = EvalShards(selection="ids", ledger=[_ledger_entry(log, index) for index, log in enumerate(logs)])
    status, error = _status(shards, bool(lost))
    merged = EvalLog(
        eval=spec,
        plan=first.plan,
        stats=_stats(logs),
        status=status,
        error=error,
        samples=ordered,
    )
    if any(sample.scores for sample in ordered):
        recompute_metrics(merged)
    write_eval_log(merged, location)
    merged.location = location
    return merged


def _limit(limit: Any) -> Any:
    return tuple(limit) if isinstance(limit, list) else limit


_LogStatus = Literal["started", "success", "cancelled", "error"]


def _status(shards: Sequence[tuple[ShardOutcome, Any | None]], lost: bool) -> tuple[_LogStatus, Any]:
    """Cancelled if stopped; error if inspect failed a shard or samples were lost with a worker; else success.

    A worker that died is no failure of the run when replacement workers finished all its samples.
    """
    from inspect_ai.log import EvalError

    outcomes = [outcome for outcome, _ in shards]
    logs = [log for _, log in shards if log is not None]
    if any(o.cancelled for o in outcomes) or any(log.status == "cancelled" for log in logs):
        return "cancelled", next((log.error for log in logs if log.error), None)
    failed = [log for o, log in shards if log is not None and log.status == "error" and not o.problem]
    if failed:
        return "error", failed[0].error
    if lost:
        problems = "; ".join(o.problem for o in outcomes if o.problem)
        return "error", EvalError(message=problems or "samples were lost", traceback="", traceback_ansi="")
    return "success", None


def _stats(logs: Sequence[Any]) -> Any:
    from inspect_ai.log import EvalStats

    started = [log.stats.started_at for log in logs if log.stats.started_at]
    completed = [log.stats.completed_at for log in logs if log.stats.completed_at]
    model_usage: dict[str, Any] = {}
    role_usage: dict[str, Any] = {}
    for log in logs:
        for totals, usage in ((model_usage, log.stats.model_usage), (role_usage, log.stats.role_usage)):
            for name, value in (usage or {}).items():
                totals[name] = totals[name] + value if name in totals else value
    return EvalStats(
        started_at=min(started) if started else "",
        completed_at=max(completed) if completed else "",
        model_usage=model_usage,
        role_usage=role_usage,
    )


def _lost_reason(problems: Sequence[ShardOutcome]) -> str:
    reasons = "; ".join(p.problem for p in problems if p.problem) or "its worker stopped"
    return f"the sample did not finish: {reasons}"


def _lost_sample(item: PlannedSample, epoch: int, reason: str) -> Any:
    from inspect_ai.log import EvalError, EvalSample

    return EvalSample(
        id=item.id,
        epoch=epoch,
        input=item.input,
        target=item.target,
        metadata=dict(item.metadata or {}),
        error=EvalError(message=reason, traceback=reason, traceback_ansi=reason),
    )


def _ledger_entry(log: Any, index: int) -> Any:
    from inspect_ai.log import EvalShardEntry

    ids = list(log.eval.dataset.sample_ids or [])
    location = str(log.location or "")
    return EvalShardEntry(
        shard=str(log.eval.metadata.get(SHARD_METADATA, index) if log.eval.metadata else index),
        log=location.rstrip("/").rsplit("/", 1)[-1],
        eval_set_id=log.eval.eval_set_id,
        status=log.status,
        error=log.error,
        samples=len(log.samples or []),
        selected=len(ids),
        selection_digest=hashlib.sha256(json.dumps(ids, default=str).encode()).hexdigest(),
        started_at=log.stats.started_at,
        completed_at=log.stats.completed_at,
        model_usage=log.stats.model_usage,
        role_usage=log.stats.role_usage,
        size=0,
    )
