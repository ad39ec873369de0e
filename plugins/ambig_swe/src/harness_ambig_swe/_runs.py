"""Runs for the report: harness results records (with their inspect logs) and published outcome columns.

A run is one model in one setting with an outcome per instance (0/1, or the mean over epochs and
over repeated runs of the same model and setting: repeated runs are pooled by instance, never one
kept silently). `published:PATH#COLUMN` reads one 0/1 column of a release CSV (`instance_id`,
then one column per model); the setting comes from the file name (fully-specified / full,
underspecified / hidden, interaction / interactive) or `@SETTING` after the column.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from harness import HarnessError, read_record

PUBLISHED_PREFIX = "published:"
RESULTS_FILE = "results.json"
_SETTING_WORDS = {
    "fully-specified": "full",
    "full": "full",
    "underspecified": "hidden",
    "hidden": "hidden",
    "interaction": "interactive",
    "interactive": "interactive",
}


class RunError(HarnessError):
    """A run argument that cannot be read; the message names it and says why."""


@dataclass
class Run:
    """One model in one setting: outcome per instance (pooled over epochs and repeated runs)."""

    label: str
    setting: str
    outcomes: dict[str, float]
    sources: list[str] = field(default_factory=list)
    not_run: list[dict[str, str]] = field(default_factory=list)
    published: bool = False

    @property
    def resolved(self) -> float:
        """Sum of outcomes (the resolved count when every outcome is 0 or 1)."""
        return sum(self.outcomes.values())


def published_run(argument: str) -> Run:
    """`published:PATH#COLUMN[@SETTING]` as a run.

    Raises:
        RunError: No `#COLUMN`, no such file or column, a setting that cannot be told, or a value
            other than 0/1.
    """
    spec = argument[len(PUBLISHED_PREFIX) :]
    path_text, sep, column = spec.rpartition("#")
    if not sep or not path_text or not column:
        raise RunError(f"{argument}: write published:PATH#COLUMN (e.g. published:interaction.csv#claude_sonnet3.5)")
    column, _, setting = column.partition("@")
    path = Path(path_text)
    setting = setting or _setting_from_name(path)
    if setting not in ("full", "hidden", "interactive"):
        raise RunError(f"{argument}: cannot tell the setting from {path.name}; add @full, @hidden or @interactive")
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as ex:
        raise RunError(f"{argument}: cannot read {path} ({ex.strerror or ex})") from None
    if not rows or column not in rows[0] or "instance_id" not in rows[0]:
        columns = [c for c in (rows[0] if rows else {}) if c not in ("instance_id", "problem_statement")]
        raise RunError(f"{argument}: {path.name} has no column {column!r} (columns: {', '.join(columns) or 'none'})")
    outcomes: dict[str, float] = {}
    for number, row in enumerate(rows, start=2):
        value = (row[column] or "").strip()
        if value not in ("0", "1"):
            raise RunError(f"{argument}: line {number} ({row['instance_id']}): {column} is {value!r}, not 0 or 1")
        outcomes[row["instance_id"]] = float(value)
    return Run(column, setting, outcomes, [str(path)], published=True)


def record_runs(paths: list[str]) -> tuple[list[Run], list[str]]:
    """Ambig-SWE runs from results records under `paths` (files or directories, searched recursively).

    Runs of the same model and setting are pooled by instance. Returns the runs and one message per
    path that was skipped (not a record, not an ambig_swe run, its inspect log missing...).
    """
    files: list[Path] = []
    skipped: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(path.rglob(RESULTS_FILE))
            if not found:
                skipped.append(f"{path}: no {RESULTS_FILE} under it")
            files += found
        else:
            files.append(path)
    observations: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    pooled: dict[tuple[str, str], Run] = {}
    for file in files:
        try:
            record = read_record(file)
        except HarnessError as ex:
            skipped.append(str(ex))
            continue
        if record["task"]["name"] != "ambig_swe" or record["status"] != "success":
            skipped.append(f"{file}: not a successful ambig_swe run ({record['task']['name']}, {record['status']})")
            continue
        try:
            values, not_run = _per_instance(record, file)
        except RunError as ex:
            skipped.append(str(ex))
            continue
        args = record["params"].get("task_args") or {}
        setting = "detection" if args.get("detection") else str(args.get("setting", "interactive"))
        key = (record["model"], setting)
        run = pooled.setdefault(key, Run(record["model"], setting, {}))
        run.sources.append(record["run_id"])
        run.not_run += [n for n in not_run if n not in run.not_run]
        for instance_id, scores in values.items():
            observations[key][instance_id] += scores
    for key, run in pooled.items():
        run.outcomes = {i: sum(v) / len(v) for i, v in observations[key].items()}
    return [r for r in pooled.values() if r.outcomes], skipped


def _per_instance(record: dict, where: Path) -> tuple[dict[str, list[float]], list[dict[str, str]]]:
    from inspect_ai.log import read_eval_log, read_eval_log_sample_summaries
    from inspect_ai.scorer import value_to_float

    log_path = record.get("inspect_log")
    if not log_path or not Path(log_path).exists():
        raise RunError(f"{where}: its inspect log ({log_path}) is missing; per-instance outcomes are needed")
    to_float = value_to_float()
    values: dict[str, list[float]] = defaultdict(list)
    for summary in read_eval_log_sample_summaries(log_path):
        score = (summary.scores or {}).get("tests_resolved")
        if score is not None and not isinstance(score.value, (dict, list)):
            values[str(summary.id)].append(float(to_float(score.value)))
    header = read_eval_log(log_path, header_only=True)
    not_run = list((header.eval.metadata or {}).get("not_run") or [])
    return values, not_run


def _setting_from_name(path: Path) -> str:
    stem = path.name.lower().split(".")[0]
    return next((setting for word, setting in _SETTING_WORDS.items() if stem == word), "")
