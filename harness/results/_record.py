"""The results record of a run: built from its inspect log and its samples' digests.

Its metrics come from `_metrics`, the rest of what it sums up from `_summaries`; `_record_file`
checks it against its schema and writes it.
"""

from __future__ import annotations

from typing import Any

from harness.plugins._registry import PluginEntry
from harness.results._causes import error_cause
from harness.results._digest import SampleDigest, log_digests
from harness.results._metrics import metric_records
from harness.results._redact import redact_record
from harness.results._summaries import (
    flaky_tests,
    infra_error_causes,
    primary_metric,
    sample_counts,
    simulation_summary,
    tokens_used,
    versions_used,
)

SCHEMA_VERSION = 2
"""Version 2 added `samples.infra_errors`, `samples.flaky`, `samples.not_run`, `samples.cancelled`,
`infra_errors`, `flaky_tests` and the `hoeffding` interval; readers accept version 1 records too."""


def build_record(
    *,
    run_id: str,
    log: Any,
    task_ref: str,
    params: dict[str, Any],
    plugins: list[PluginEntry],
    started_at: str,
    completed_at: str,
    wall_time: float,
    hook_errors: list[dict[str, str]],
    samples: list[SampleDigest] | None = None,
    not_run: int = 0,
) -> dict[str, Any]:
    """The results record of one finished (or failed, or interrupted) inspect eval log.

    Args:
        log: The inspect log; only its header is read (its samples are streamed from its file).
        samples: The samples' digests, when the caller has them already.
        not_run: Samples (× epochs) the run never started (a sharded run stopped early); they must
            not be among `samples` or the log's samples, and are counted as `samples.not_run`.
    """
    digests = samples if samples is not None else log_digests(log)
    record = {
        "schema_version": SCHEMA_VERSION,
        "run_id": run_id,
        "status": log.status,
        "error": error_cause(log.error).text if log.error else None,
        "started_at": started_at,
        "completed_at": completed_at,
        "wall_time_seconds": round(wall_time, 3),
        "versions": versions_used(plugins),
        "task": {"name": log.eval.task, "ref": task_ref, "version": log.eval.task_version},
        "model": log.eval.model,
        "params": params,
        "metrics": metric_records(log, digests),
        "primary_metric": primary_metric(log),
        "samples": sample_counts(log, digests, not_run),
        "infra_errors": infra_error_causes(digests),
        "flaky_tests": flaky_tests(digests),
        "retries": {
            "samples": sum(d.sample_retries for d in digests),
            "model_calls": sum(d.model_retries for d in digests),
        },
        "tokens": tokens_used(log.stats),
        "inspect_log": (log.location or "").removeprefix("file://") or None,
        "hook_errors": hook_errors,
        "simulation": simulation_summary(digests),
    }
    # one pass for the whole record: the run's error, the causes, the simulators' names... and its params
    return redact_record(record)
