"""Merging shard logs into one ordinary inspect log, with inspect's public log API.

Each shard log is read (`_shard_log`), the samples are put together in dataset order, samples no
shard finished are added as errors (never dropped), the metrics are recomputed over all of them
with inspect's own `recompute_metrics` (the task's scorers, metrics and epoch reducers), and the
result is written with `write_eval_log` as `<run dir>/<name>.eval`, beside the shards'
`<name>.shards/<k>/` directories (inspect's own layout for shard logs: its viewer hides shards
that a finished merged log covers). The merged header names its shards in `eval.shards`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from harness.results._digest import SampleDigest
from harness.run._names import SHARD_METADATA
from harness.run.sharding._shard_log import SUMMARIES_MEMBER, ShardLog, ShardOutcome
from harness.run.sharding._shards import PlannedSample

# Members of inspect's `.eval` zip the merge handles itself (the rest it copies from what inspect wrote).
_JOURNAL_SUMMARIES = "_journal/summaries/"
_FINAL_MEMBERS = ("reductions.json", "header.json")


def lost_samples(logs: Sequence[ShardLog], planned: Sequence[PlannedSample], epochs: int) -> list[tuple[Any, int]]:
    """(id, epoch) of every planned sample no shard log holds."""
    present = {(sample.id, sample.epoch) for log in logs for sample in log.samples}
    return [(item.id, epoch) for item in planned for epoch in range(1, epochs + 1) if (item.id, epoch) not in present]


@dataclass(frozen=True)
class MergedRun:
    """The merged log (its header; the samples are in its file) and what the record needs beside it.

    Attributes:
        log: The merged log's header.
        digests: The samples' digests, when known for every sample.
        not_run: Samples (with epochs) that never started: the run (or their shard) stopped first.
    """

    log: Any
    digests: list[SampleDigest] | None
    not_run: int = 0


def merge_logs(
    shards: Sequence[tuple[ShardOutcome, ShardLog | None]],
    planned: Sequence[PlannedSample],
    location: str,
    run_options: Mapping[str, Any],
    digests: Mapping[tuple[Any, int], SampleDigest] | None = None,
    not_run: Collection[tuple[Any, int]] = (),
) -> MergedRun:
    """Write the merged log of the shards to `location`.

    Args:
        shards: How every shard ended, with its log (None when it left none), in shard order;
            for a sample found in several logs (a replacement worker's), the first wins.
        planned: The samples the whole run covers, in dataset order.
        location: Where to write the merged `.eval` log.
        run_options: The run's inspect arguments (limit and run-wide limits, as the user gave them).
        digests: Digests the workers reported for the samples they finished, by (id, epoch).
        not_run: (id, epoch) of samples that never started (Ctrl-C, or a shard whose eval stopped at an
            error, as inspect's `fail_on_error` does): left out of the log and counted, not reported
            as errors.
    """
    from inspect_ai.log import EvalLog, recompute_metrics, write_eval_log

    from harness.results._digest import digest

    logs = [log for _, log in shards if log is not None]
    if not logs:
        raise ValueError("no shard wrote a log")
    first = logs[0].header
    order = {item.id: index for index, item in enumerate(planned)}
    chosen, whole, lost = _samples(shards, planned, first.eval.config.epochs or 1, set(not_run))
    keys = sorted([*chosen, *(k for k in whole if k not in chosen)], key=lambda k: (order.get(k[0], len(order)), k[1]))
    status, error = _status(shards, bool(lost))
    scored = EvalLog(
        eval=_merged_spec(first, logs, planned, run_options),
        plan=first.plan,
        stats=_stats(logs),
        status=status,
        error=error,
        samples=[whole[k] if k in whole else chosen[k][1] for k in keys],
    )
    if any(sample.scores for sample in scored.samples or []):
        recompute_metrics(scored)
    sample_digests = [digest(whole[k]) if k in whole else (digests or {}).get(k) for k in keys]
    copied = {k: chosen[k][0] for k in keys if k not in whole}
    merged = scored.model_copy(update={"samples": [whole[k] for k in keys if k in whole]})
    if copied:
        _write_with_copied_samples(merged, location, keys, copied)
    else:
        write_eval_log(merged, location)
    merged.samples = None
    merged.location = location
    complete = all(d is not None for d in sample_digests)
    return MergedRun(merged, [d for d in sample_digests if d is not None] if complete else None, len(set(not_run)))


def _samples(
    shards: Sequence[tuple[ShardOutcome, ShardLog | None]],
    planned: Sequence[PlannedSample],
    epochs: int,
    not_run: set[tuple[Any, int]],
) -> tuple[dict[tuple[Any, int], tuple[ShardLog, Any]], dict[tuple[Any, int], Any], list[tuple[Any, int]]]:
    """The samples of the merged log: chosen from the shard logs (first wins), and those held whole.

    Held whole (written by inspect rather than copied) are a lost sample's error stand-in and the
    samples of logs read whole. Returns (chosen, whole, lost).
    """
    logs = [log for _, log in shards if log is not None]
    chosen: dict[tuple[Any, int], tuple[ShardLog, Any]] = {}
    for log in logs:
        for sample in log.samples:
            chosen.setdefault((sample.id, sample.epoch), (log, sample))
    problems = [outcome for outcome, _ in shards if outcome.problem]
    order = {item.id: index for index, item in enumerate(planned)}
    lost = [key for key in lost_samples(logs, planned, epochs) if key not in not_run]
    whole: dict[tuple[Any, int], Any] = {}
    for sample_id, epoch in lost:
        whole[(sample_id, epoch)] = _lost_sample(planned[order[sample_id]], epoch, _lost_reason(problems))
    for key, (log, sample) in chosen.items():
        if key not in log.members:
            whole[key] = sample
    return chosen, whole, lost


def _merged_spec(
    first: Any, logs: Sequence[ShardLog], planned: Sequence[PlannedSample], run_options: Mapping[str, Any]
) -> Any:
    """The merged log's eval spec: the first shard's, with the whole run's samples, limits and shard ledger."""
    from inspect_ai.log import EvalShards

    spec = first.eval.model_copy(deep=True)
    spec.metadata = {k: v for k, v in (spec.metadata or {}).items() if k != SHARD_METADATA}
    spec.dataset.sample_ids = [item.id for item in planned]
    spec.config.limit = _limit(run_options.get("limit"))
    for limit_name in ("max_samples", "max_sandboxes"):  # the run's limits, not one worker's share
        setattr(spec.config, limit_name, run_options.get(limit_name))
    generate = spec.model_generate_config
    generate.max_connections = run_options.get("max_connections")
    generate.adaptive_connections = run_options.get("adaptive_connections")
    spec.shards = EvalShards(selection="ids", ledger=[_ledger_entry(log, index) for index, log in enumerate(logs)])
    return spec


def _write_with_copied_samples(
    log: Any, location: str, keys: Sequence[tuple[Any, int]], copied: Mapping[tuple[Any, int], ShardLog]
) -> None:
    """Write `log` (header and its own whole samples) with inspect, then add the shards' sample members as they are.

    inspect writes the header, plan, results, reductions and the samples it holds whole to a
    scratch log; the final log takes every member of that one except the sample summaries, each
    copied sample's member from its shard log, and one summaries list for all, in dataset order.
    """
    from inspect_ai.log import write_eval_log

    with tempfile.TemporaryDirectory(prefix="plugeval-merge-") as scratch:
        head = os.path.join(scratch, "merged.eval")
        write_eval_log(log, head)
        partial = f"{location}.partial"
        with zipfile.ZipFile(head) as written, zipfile.ZipFile(partial, "w") as out:
            own = {(s["id"], s["epoch"]): s for s in json.loads(written.read(SUMMARIES_MEMBER))}
            tail = []
            for info in written.infolist():
                if info.filename in (SUMMARIES_MEMBER, *_FINAL_MEMBERS) or info.filename.startswith(_JOURNAL_SUMMARIES):
                    if info.filename in _FINAL_MEMBERS:
                        tail.append(info)
                    continue
                out.writestr(_copy_info(info), written.read(info))
            archives: dict[str, zipfile.ZipFile] = {}
            try:
                for key in keys:
                    shard = copied.get(key)
                    if shard is None:
                        continue
                    path = shard.header.location
                    if path not in archives:
                        archives[path] = zipfile.ZipFile(path)
                    archive = archives[path]
                    info = archive.getinfo(shard.members[key])
                    out.writestr(_copy_info(info, zipfile.ZIP_DEFLATED), archive.read(info))
            finally:
                for archive in archives.values():
                    archive.close()
            summaries = [own[k] if k in own else copied[k].summaries[k] for k in keys if k in own or k in copied]
            summary_info = _copy_info(written.getinfo(SUMMARIES_MEMBER))
            out.writestr(summary_info, json.dumps(summaries, separators=(",", ":")))
            for info in tail:
                out.writestr(_copy_info(info), written.read(info))
        os.replace(partial, location)


def _copy_info(info: zipfile.ZipInfo, compress_type: int | None = None) -> zipfile.ZipInfo:
    """A fresh entry with `info`'s name, time and compression (sizes and offsets are set on writing).

    Sample members are written deflated: inspect's zstd writer starts a 12-thread compressor per
    member, 0.6 ms per sample, 40x what deflating costs, for a file of the same size (inspect
    reads both; its older logs were deflated).
    """
    entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    entry.compress_type = info.compress_type if compress_type is None else compress_type
    entry.external_attr = info.external_attr
    return entry


def _limit(limit: Any) -> Any:
    return tuple(limit) if isinstance(limit, list) else limit


_LogStatus = Literal["started", "success", "cancelled", "error"]


def _status(shards: Sequence[tuple[ShardOutcome, ShardLog | None]], lost: bool) -> tuple[_LogStatus, Any]:
    """Cancelled if stopped; error if inspect failed a shard or samples were lost with a worker; else success.

    A worker that died is no failure of the run when replacement workers finished all its samples.
    """
    from inspect_ai.log import EvalError

    outcomes = [outcome for outcome, _ in shards]
    logs = [log.header for _, log in shards if log is not None]
    if any(o.cancelled for o in outcomes) or any(log.status == "cancelled" for log in logs):
        return "cancelled", next((log.error for log in logs if log.error), None)
    failed = [log.header for o, log in shards if log is not None and log.header.status == "error" and not o.problem]
    if failed:
        return "error", failed[0].error
    if lost:
        problems = "; ".join(o.problem for o in outcomes if o.problem)
        return "error", EvalError(message=problems or "samples were lost", traceback="", traceback_ansi="")
    return "success", None


def _stats(shards: Sequence[ShardLog]) -> Any:
    from inspect_ai.log import EvalStats

    logs = [shard.header for shard in shards]
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


def _ledger_entry(shard: ShardLog, index: int) -> Any:
    from inspect_ai.log import EvalShardEntry

    log = shard.header
    ids = list(log.eval.dataset.sample_ids or [])
    location = str(log.location or "")
    return EvalShardEntry(
        shard=str(log.eval.metadata.get(SHARD_METADATA, index) if log.eval.metadata else index),
        log=location.rstrip("/").rsplit("/", 1)[-1],
        eval_set_id=log.eval.eval_set_id,
        status=log.status,
        error=log.error,
        samples=len(shard.samples),
        selected=len(ids),
        selection_digest=hashlib.sha256(json.dumps(ids, default=str).encode()).hexdigest(),
        started_at=log.stats.started_at,
        completed_at=log.stats.completed_at,
        model_usage=log.stats.model_usage,
        role_usage=log.stats.role_usage,
        size=0,
    )
