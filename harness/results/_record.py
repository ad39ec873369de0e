"""The results record: built from an inspect log, validated by schema, written atomically."""

from __future__ import annotations

import json
import os
import platform
import tempfile
from collections import defaultdict
from importlib import metadata
from pathlib import Path
from typing import Any

from harness._errors import ResultsError, storage_error
from harness.plugins._registry import PluginEntry
from harness.config._schemas import load_schema
from harness.results._causes import error_cause
from harness.results._digest import SampleDigest, digests_from_log, digests_of
from harness.results._metrics import binary_scores, metric_records, sample_values_by_id
from harness.results._redact import redact, redact_messages
from harness.results._stats import Estimate, mean_estimate

__all__ = [
    "RESULTS_FILE",
    "SCHEMA_VERSION",
    "atomic_write_text",
    "build_record",
    "metric_records",
    "read_record",
    "sample_values_by_id",
    "validate_record",
    "write_record",
]

RESULTS_FILE = "results.json"
SCHEMA_VERSION = 2
"""Version 2 added `samples.infra_errors`, `samples.flaky`, `samples.not_run`, `samples.cancelled`,
`infra_errors`, `flaky_tests` and the `hoeffding` interval; readers accept version 1 records too."""
_binary_scores = binary_scores  # the name earlier tests and plugins used
MAX_LISTED_SAMPLES = 50


def results_schema() -> dict[str, Any]:
    """The published JSON Schema of a results record."""
    return load_schema("results.schema.json")


def validate_record(record: dict[str, Any], source: str = "results record") -> None:
    """Raise `ResultsError` naming the first field that breaks the schema."""
    from harness.config._validation import validate

    try:
        validate(record, results_schema(), error=ResultsError)  # type: ignore[arg-type]
    except ResultsError as ex:
        raise ResultsError(f"{source} is invalid: {ex}") from ex


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
        "versions": _versions(plugins),
        "task": {"name": log.eval.task, "ref": task_ref, "version": log.eval.task_version},
        "model": log.eval.model,
        "params": redact(params),
        "metrics": metric_records(log, digests),
        "primary_metric": primary_metric(log),
        "samples": sample_counts(log, digests, not_run),
        "infra_errors": infra_error_causes(digests),
        "flaky_tests": flaky_tests(digests),
        "retries": {
            "samples": sum(d.sample_retries for d in digests),
            "model_calls": sum(d.model_retries for d in digests),
        },
        "tokens": _tokens(log.stats),
        "inspect_log": (log.location or "").removeprefix("file://") or None,
        "hook_errors": hook_errors,
        "simulation": simulation_summary(digests),
    }
    # one pass for the whole record: secret-shaped parts of every message (the run's error, causes,
    # simulator names...) and the value of every secret-looking key; `params` above lose whole values
    return dict(redact_messages(record))


def _versions(plugins: list[PluginEntry]) -> dict[str, Any]:
    return {
        "plugeval": _version("plugeval"),
        "inspect_ai": _version("inspect-ai"),
        "python": platform.python_version(),
        "plugins": [{"kind": p.kind.value, "name": p.name, "dist": p.dist, "version": p.version} for p in plugins],
    }


def _tokens(stats: Any) -> dict[str, Any]:
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


def log_digests(log: Any) -> list[SampleDigest]:
    """The log's samples as digests: streamed from its file when there is one, else from memory."""
    location = (log.location or "").removeprefix("file://")
    if location and Path(location).is_file():
        try:
            return list(digests_from_log(location))
        except Exception:  # a log inspect could not finish writing: fall back to what is in memory
            pass
    return digests_of(log.samples or [])


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
        "questions_per_sample": _estimate_dict(mean_estimate(asked, binary=False)),  # counts, not pass/fail
        "turns_per_sample": _estimate_dict(mean_estimate(turns, binary=False)),
        "over_budget_turns": int(sum(t - a for t, a in zip(turns, asked, strict=True))),
    }


def _estimate_dict(estimate: Estimate) -> dict[str, Any]:
    return {
        "value": estimate.value,
        "stderr": estimate.stderr,
        "ci95": list(estimate.ci95) if estimate.ci95 else None,
        "n": estimate.n,
        "ci_method": estimate.method,
    }


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def write_record(record: dict[str, Any], out_dir: Path) -> Path:
    """Validate and write `results.json` atomically: readers see the old file or the new one, never half.

    Raises:
        ResultsError: The record breaks the schema, or the file cannot be written.
    """
    record = redact_messages(record)
    validate_record(record)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / RESULTS_FILE
    try:
        text = json.dumps(record, indent=2, default=str, allow_nan=False)
    except ValueError as ex:  # NaN or infinity: JSON has no such numbers and readers choke on them
        raise ResultsError(f"the results record for {out_dir} holds a non-finite number: {ex}") from ex
    atomic_write_text(target, text + "\n")
    return target


def atomic_write_text(path: Path, text: str) -> None:
    """Write through a temporary file in the same directory, fsync, then rename over `path`.

    Raises:
        StorageError: The file cannot be written (full disk: exit 1; permissions, missing or
            read-only directory: exit 2); the message names `path`. The old file stays whole.
    """
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as ex:
        raise storage_error(path, ex) from ex
    try:
        os.fchmod(handle, 0o666 & ~_umask())  # mkstemp's 0600 would make the record private to its writer
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as ex:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(ex, OSError):
            raise storage_error(path, ex) from ex
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def read_record(path: str | Path) -> dict[str, Any]:
    """Read and validate a results record (a `results.json` file or the directory holding it).

    Raises:
        ResultsError: The file is missing or unreadable, is not UTF-8 JSON, nests too deeply,
            holds NaN or infinity, or breaks the schema; the message names the file.
    """
    path = Path(path)
    if path.is_dir():
        path = path / RESULTS_FILE
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_RECORD_BYTES + 1)
        if len(raw) > MAX_RECORD_BYTES:
            raise ResultsError(f"results record '{path}' is larger than {MAX_RECORD_BYTES // 2**20} MiB")
        record = json.loads(raw.decode("utf-8"), parse_constant=_non_finite)
    except OSError as ex:
        raise ResultsError(f"cannot read results record '{path}': {ex.strerror or ex}") from ex
    except UnicodeDecodeError as ex:
        raise ResultsError(f"results record '{path}' is not UTF-8 (byte offset {ex.start})") from ex
    except RecursionError as ex:
        raise ResultsError(f"results record '{path}' nests too deeply to be a results record") from ex
    except ValueError as ex:
        raise ResultsError(f"results record '{path}' is not valid JSON: {ex}") from ex
    if not isinstance(record, dict):
        raise ResultsError(f"results record '{path}' is not a JSON object")
    validate_record(record, source=str(path))
    return record


MAX_RECORD_BYTES = 64 * 2**20


def _non_finite(constant: str) -> Any:
    raise ValueError(f"{constant} is not a number a results record may hold")
