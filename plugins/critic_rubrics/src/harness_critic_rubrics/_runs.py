"""Runs in, samples out: inspect logs read through inspect's public log API, and each sample's outcome."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from harness import ConfigError

from ._trace import Trace, trace_from_messages


_NOT_READ = {"events", "events_data", "timelines", "store"}  # a sample's messages are all the annotators read


@dataclass(frozen=True)
class LoggedSample:
    """One sample of one run: its trajectory and its scores (scorer name → value)."""

    trace: Trace
    scores: dict[str, Any]


def log_files(runs: Sequence[str]) -> list[str]:
    """The inspect log files of `runs` (log directories, searched recursively, or log files), oldest first."""
    from inspect_ai.log import list_eval_logs

    files: list[str] = []
    for run in runs:
        path = Path(run)
        if path.is_file():
            files.append(str(path))
        elif path.is_dir():
            found = [_local(info.name) for info in list_eval_logs(str(path), descending=False)]
            if not found:
                raise ConfigError(f"runs: {run} holds no inspect logs (.eval or .json); give a log_dir of a run")
            files += found
        else:
            raise ConfigError(f"runs: {run} does not exist; give inspect log directories or files, comma-separated")
    return files


def _local(name: str) -> str:
    """A log's name as a path: `file://` dropped, relative to the working directory when inside it."""
    import os
    from urllib.parse import unquote, urlparse

    path = unquote(urlparse(name).path) if name.startswith("file://") else name
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def read_runs(runs: Sequence[str]) -> list[LoggedSample]:
    """Every sample of every log of `runs`, in log order then sample order."""
    samples: list[LoggedSample] = []
    for file in log_files(runs):
        samples += _read_log(file, Path(file).stat().st_mtime_ns if Path(file).exists() else 0)
    if not samples:
        raise ConfigError(
            f"runs: no samples in {', '.join(runs)} (were the runs cancelled before any sample finished?)"
        )
    return samples


@lru_cache(maxsize=8)  # the same log read again in one process (train then rerank, tests) is not parsed again
def _read_log(file: str, mtime: int) -> tuple[LoggedSample, ...]:
    from inspect_ai.log import read_eval_log

    log = read_eval_log(file, resolve_attachments=True, exclude_fields=_NOT_READ)
    samples = []
    for sample in log.samples or []:
        error = sample.error.message if sample.error else None
        trace = trace_from_messages(sample.messages, sample.id, sample.epoch, file, log.eval.task, error)
        scores = {name: score.value for name, score in (sample.scores or {}).items()}
        samples.append(LoggedSample(trace, scores))
    return tuple(samples)


def scorer_outcomes(samples: Sequence[LoggedSample], outcome: str, success: float = 0.5) -> list[int | None]:
    """Each sample's outcome from a scorer in the logs: 1 when its value is at least `success`, else 0.

    `outcome` is a scorer name, or `SCORER/KEY` for a scorer with several values. Values go through
    inspect's `value_to_float` (C=1, P=0.5, I=0). A sample without that score (an error) is None.

    Raises:
        ConfigError: No sample has that scorer; names the scorers the logs have.
    """
    from inspect_ai.scorer import value_to_float

    name, _, key = outcome.partition("/")
    to_float = value_to_float()
    present = sorted({s for sample in samples for s in sample.scores})
    if name not in present:
        raise ConfigError(
            f"outcome={outcome}: the runs have no scorer '{name}'; they have: {', '.join(present) or 'no scores'}"
        )
    values: list[int | None] = []
    for sample in samples:
        value = sample.scores.get(name)
        if isinstance(value, dict):
            if key not in value:
                raise ConfigError(
                    f"outcome={outcome}: scorer '{name}' has several values; "
                    f"write outcome={name}/KEY with KEY one of {', '.join(map(str, value))}"
                )
            value = value[key]
        values.append(None if value is None else int(to_float(value) >= success))
    return values


def label_outcomes(samples: Sequence[LoggedSample], path: str) -> list[int | None]:
    """Outcomes from a labels file (human feedback); samples it does not cover are None (unlabelled).

    The file is JSONL (`{"sample_id": ..., "outcome": 0|1, "epoch": N}`) or CSV with those columns;
    `epoch` is optional (a label without one covers every epoch of the sample).

    Raises:
        ConfigError: Unreadable file, a bad row, or labels naming sample ids the runs do not have.
    """
    rows = _label_rows(path)
    by_id: dict[str, list[int]] = defaultdict(list)
    for index, sample in enumerate(samples):
        by_id[sample.trace.sample_id].append(index)
    unknown = sorted({r[0] for r in rows if r[0] not in by_id})
    if unknown:
        known = ", ".join(list(by_id)[:3])
        raise ConfigError(
            f"labels={path}: {len(unknown)} label(s) name sample ids the runs do not have (e.g. '{unknown[0]}'); "
            f"the runs' ids look like {known}: fix the ids or add the run they come from"
        )
    outcomes: list[int | None] = [None] * len(samples)
    for sample_id, epoch, value in rows:
        for index in by_id[sample_id]:
            if epoch is None or samples[index].trace.epoch == epoch:
                outcomes[index] = value
    return outcomes


def _label_rows(path: str) -> list[tuple[str, int | None, int]]:
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"labels={path}: no such file; give a JSONL or CSV file of sample_id, outcome[, epoch]")
    text = file.read_text(encoding="utf-8")
    if file.suffix.lower() == ".csv":
        records: list[Any] = list(csv.DictReader(text.splitlines()))
    else:
        try:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError as ex:
            raise ConfigError(f"labels={path}: not JSONL ({ex}); one JSON object per line") from ex
    rows = []
    for n, record in enumerate(records, start=1):
        try:
            sample_id, value = str(record["sample_id"]), float(record["outcome"])
            epoch = record.get("epoch")
            rows.append((sample_id, int(epoch) if epoch not in (None, "") else None, int(value >= 0.5)))
        except (KeyError, TypeError, ValueError, AttributeError) as ex:
            raise ConfigError(f"labels={path}: row {n} needs sample_id and a numeric outcome (0/1): {record}") from ex
    if not rows:
        raise ConfigError(f"labels={path}: no labels in the file")
    return rows
