"""The results record: built from an inspect log, validated by schema, written atomically."""

from __future__ import annotations

import json
import math
import os
import platform
import re
import tempfile
from collections import defaultdict
from importlib import metadata
from pathlib import Path
from typing import Any

from harness._errors import ResultsError, storage_error
from harness.plugins._registry import PluginEntry
from harness.config._schemas import load_schema
from harness.results._digest import SampleDigest, digests_from_log, digests_of
from harness.results._redact import redact
from harness.results._stats import Estimate, mean_estimate

RESULTS_FILE = "results.json"
_MEAN_METRICS = {"accuracy", "mean"}
_UNCERTAINTY_METRICS = {"stderr"}


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
) -> dict[str, Any]:
    """The results record of one finished (or failed, or interrupted) inspect eval log.

    Args:
        log: The inspect log; only its header is read (its samples are streamed from its file).
        samples: The samples' digests, when the caller has them already.
    """
    digests = samples if samples is not None else log_digests(log)
    stats = log.stats
    by_model = {
        model: {"input": usage.input_tokens, "output": usage.output_tokens, "total": usage.total_tokens}
        for model, usage in (stats.model_usage or {}).items()
    }
    return {
        "schema_version": 1,
        "run_id": run_id,
        "status": log.status,
        "error": root_cause(log.error) if log.error else None,
        "started_at": started_at,
        "completed_at": completed_at,
        "wall_time_seconds": round(wall_time, 3),
        "versions": {
            "plugeval": _version("plugeval"),
            "inspect_ai": _version("inspect-ai"),
            "python": platform.python_version(),
            "plugins": [{"kind": p.kind.value, "name": p.name, "dist": p.dist, "version": p.version} for p in plugins],
        },
        "task": {"name": log.eval.task, "ref": task_ref, "version": log.eval.task_version},
        "model": log.eval.model,
        "params": redact(params),
        "metrics": metric_records(log, digests),
        "primary_metric": primary_metric(log),
        "samples": sample_counts(log, digests),
        "retries": {
            "samples": sum(d.sample_retries for d in digests),
            "model_calls": sum(d.model_retries for d in digests),
        },
        "tokens": {
            "input": sum(u["input"] for u in by_model.values()),
            "output": sum(u["output"] for u in by_model.values()),
            "total": sum(u["total"] for u in by_model.values()),
            "by_model": by_model,
        },
        "inspect_log": (log.location or "").removeprefix("file://") or None,
        "hook_errors": hook_errors,
        "simulation": simulation_summary(digests),
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


def root_cause(error: Any) -> str:
    """The error a user can act on: the innermost exception of inspect's message and traceback.

    inspect reports a failed retried call as `RetryError(<Future ... raised FlakyError>)`; the
    chained exception in the traceback (`FlakyError: provider down`) is what went wrong. Module
    paths are dropped from the exception's name.
    """
    message = str(error.message or "")
    lines = [line.strip() for line in str(getattr(error, "traceback", "") or "").splitlines()]
    causes = [line for line in lines if _EXCEPTION_LINE.match(line) and not _is_wrapper(line)]
    if causes and (_is_wrapper(message) or not message):
        name, _, detail = causes[-1].partition(":")
        return f"{name.rsplit('.', 1)[-1]}:{detail}" if detail else name.rsplit(".", 1)[-1]
    return message


def _is_wrapper(text: str) -> bool:
    return text.split("(")[0].split(":")[0].rsplit(".", 1)[-1] in ("RetryError", "ExceptionGroup", "BaseExceptionGroup")


_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Timeout)\w*(:\s.*)?$")


def primary_metric(log: Any) -> dict[str, Any] | None:
    """The headline metric inspect resolved for the run, and whether the task declared it."""
    headline = getattr(log.results, "headline", None) if log.results else None
    if headline is None or headline.metric is None:
        return None
    scorer = headline.score or headline.scorer
    if scorer is None:
        return None
    return {"scorer": scorer, "name": headline.metric, "declared": log.eval.headline_metric is not None}


def sample_counts(log: Any, digests: list[SampleDigest]) -> dict[str, int]:
    """Samples (× epochs) planned, scored and failed, counted from the log's samples themselves.

    A run that ended early (error, Ctrl-C, killed) still has a log holding the samples that
    finished; the counts always agree with it.
    """
    epochs = log.eval.config.epochs or 1
    planned = log.results.total_samples if log.results else len(log.eval.dataset.sample_ids or []) * epochs
    return {
        "total": max(planned, len(digests)),
        "completed": sum(1 for d in digests if d.completed),
        "errors": sum(1 for d in digests if d.error),
        "epochs": epochs,
    }


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
        "questions_per_sample": _estimate_dict(mean_estimate(asked)),
        "turns_per_sample": _estimate_dict(mean_estimate(turns)),
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


def metric_records(log: Any, digests: list[SampleDigest]) -> list[dict[str, Any]]:
    """Each metric of each scorer with value, stderr, 95% CI and n.

    Means (`accuracy`, `mean`) get their uncertainty from the per-sample scores,
    epochs first averaged per sample. Inspect's own `stderr` metric is folded
    into the metric it describes rather than listed on its own. Other metrics
    keep inspect's value and get a percentile-bootstrap interval from re-running
    the metric on resampled samples, or `ci_method: unavailable` when it cannot be re-run.
    A run that ended in error has no inspect metrics: each scorer then gets the mean over the
    samples that completed, computed here and marked with a note.
    """
    scores = log.results.scores if log.results else []
    if not scores:
        return _completed_sample_means(digests)
    records = []
    for score in scores:
        estimate = mean_estimate(
            list(sample_values_by_id(digests, score.name).values()), binary=_binary_scores(digests, score.name)
        )
        for name, metric in score.metrics.items():
            if name in _UNCERTAINTY_METRICS:
                continue
            value = _number(metric.value)
            if name in _MEAN_METRICS and estimate.n:
                records.append(_metric_dict(score.name, name, value, estimate))
            else:
                from harness.results._metric_bootstrap import bootstrap_estimate

                n = len({d.id for d in digests if _scorer_value(d.values, score.name) is not None})
                found = bootstrap_estimate(digests, score.name, name, value) if value is not None else None
                records.append(
                    _metric_dict(score.name, name, value, found or Estimate(value, None, None, n, "unavailable"))
                )
    return records


def _completed_sample_means(digests: list[SampleDigest]) -> list[dict[str, Any]]:
    records = []
    names = sorted({name for d in digests if d.completed for name in d.values})
    for name in names:
        done = [d for d in digests if d.completed]
        values = list(sample_values_by_id(done, name).values())
        if not values:
            continue
        binary = _binary_scores(done, name)
        metric = _metric_dict(name, "accuracy" if binary else "mean", None, mean_estimate(values, binary=binary))
        metric["value"] = sum(values) / len(values)
        metric["note"] = (
            f"the run ended in error: mean over the {len(values)} samples that completed, computed by plugeval"
        )
        records.append(metric)
    return records


def _metric_dict(scorer: str, name: str, value: float | None, estimate: Estimate) -> dict[str, Any]:
    return {
        "scorer": scorer,
        "name": name,
        "value": value,
        "stderr": estimate.stderr,
        "ci95": list(estimate.ci95) if estimate.ci95 else None,
        "n": estimate.n,
        "ci_method": estimate.method,
    }


def sample_values_by_id(digests: list[SampleDigest], scorer: str) -> dict[Any, float]:
    """Each sample's value for `scorer` (epochs averaged), keyed by sample id; unscored samples left out."""
    from inspect_ai.scorer import value_to_float

    to_float = value_to_float()
    by_id: dict[Any, list[float]] = defaultdict(list)
    for item in digests:
        value = _scorer_value(item.values, scorer)
        if value is None or isinstance(value, (dict, list)):
            continue
        number = float(to_float(value))
        if math.isfinite(number):  # NaN means "no score here" (e.g. a metric a group's other task lacks)
            by_id[item.id].append(number)
    return {sample_id: sum(v) / len(v) for sample_id, v in by_id.items()}


def _binary_scores(digests: list[SampleDigest], scorer: str) -> bool:
    """Whether a scorer's raw values are pass/fail: C/I/N letters, booleans or the integers 0/1,
    or floats that take both 0.0 and 1.0 and nothing else. Rewards that merely happen to be all 0.0
    are not binary (they get a t interval, not a Wilson interval on a [0, 1] scale they do not have).
    """
    raw = [_scorer_value(d.values, scorer) for d in digests]
    raw = [v for v in raw if v is not None and not isinstance(v, (dict, list))]
    if not raw:
        return False
    if all(isinstance(v, float) for v in raw):
        return set(raw) == {0.0, 1.0}
    return all(v in ("C", "I", "N") or isinstance(v, bool) or v in (0, 1) for v in raw)  # "P" (partial) is 0.5


def _scorer_value(values: dict[str, Any], name: str) -> Any:
    """A sample's value for `name`: a scorer's own value, or one key of a scorer's dict value.

    inspect reports a scorer with dict values and per-key metrics as one score per key.
    """
    if name in values:
        return values[name]
    for value in values.values():
        if isinstance(value, dict) and name in value:
            return value[name]
    return None


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is not a score


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
