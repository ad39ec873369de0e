"""`cooperbench-report RUN...`: success and conflict rate per setting, the coop − solo gap, per-repo table.

    cooperbench-report runs/coop runs/solo runs/nomsg [--output report.md]

Reads each run's results record and its inspect log's per-sample scores. Rates carry a Wilson 95%
interval. The coordination gap (coop − solo success, per model) pairs samples by id when both runs
share them (the paper's setup: same pairs, different settings) and takes a percentile bootstrap of
the mean paired difference (10,000 resamples of pairs, seed 0); otherwise an unpaired bootstrap. The
output is markdown, ready for a pull-request comment.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness import HarnessError, read_record

_DRAWS = 10_000
_Z = 1.959964


@dataclass(frozen=True)
class Run:
    """One cooperbench run: its model, setting, and each pair's scores."""

    path: str
    model: str
    setting: str
    scores: dict[str, dict[str, float]]
    solver: str | None = None

    @property
    def label(self) -> str:
        """The setting, and the solver when the run replaced the agents."""
        return f"{self.setting}, {self.solver}" if self.solver else self.setting


@dataclass(frozen=True)
class Rate:
    """A proportion with its Wilson 95% interval."""

    value: float
    low: float
    high: float
    n: int


@dataclass(frozen=True)
class Gap:
    """Difference of success rates between a team setting and solo."""

    diff: float
    low: float
    high: float
    n: int
    paired: bool
    relative: float | None


def load_run(path: str | Path) -> Run:
    """A run from its results.json (or run directory) and inspect log.

    Raises:
        HarnessError: Not a readable results record, or not a cooperbench run.
    """
    from inspect_ai.log import read_eval_log_sample_summaries

    record = read_record(path)
    if record["task"]["name"] != "cooperbench":
        raise HarnessError(f"{path}: a {record['task']['name']} run, not cooperbench")
    args = record["params"].get("task_args") or {}
    setting = str(args.get("setting", "coop")) + (" (git)" if args.get("git") else "")
    scores: dict[str, dict[str, float]] = {}
    for summary in read_eval_log_sample_summaries(record["inspect_log"]):
        score = (summary.scores or {}).get("merged_tests")
        if score is not None and isinstance(score.value, dict):
            scores[str(summary.id)] = {k: float(v) for k, v in score.value.items()}
    return Run(str(path), record["model"], setting, scores, record["params"].get("solver"))


def wilson(successes: float, n: int) -> Rate:
    """Proportion and Wilson score interval."""
    if n == 0:
        return Rate(float("nan"), float("nan"), float("nan"), 0)
    p = successes / n
    centre = (p + _Z**2 / (2 * n)) / (1 + _Z**2 / n)
    half = _Z * math.sqrt(p * (1 - p) / n + _Z**2 / (4 * n * n)) / (1 + _Z**2 / n)
    return Rate(p, max(0.0, centre - half), min(1.0, centre + half), n)


def rate(run: Run, key: str) -> Rate:
    """The run's rate of a 0/1 score key."""
    values = [s[key] for s in run.scores.values() if key in s]
    return wilson(sum(values), len(values))


def gap(team: Run, solo: Run, key: str = "both_passed") -> Gap | None:
    """team − solo success with a bootstrap 95% CI (paired on common sample ids when there are any)."""
    common = sorted(set(team.scores) & set(solo.scores))
    rng = random.Random(0)
    if common:
        diffs = [team.scores[i][key] - solo.scores[i][key] for i in common]
        draws = sorted(sum(rng.choices(diffs, k=len(diffs))) / len(diffs) for _ in range(_DRAWS))
        base = sum(solo.scores[i][key] for i in common) / len(common)
        diff, n, paired = sum(diffs) / len(diffs), len(common), True
    else:
        a = [s[key] for s in team.scores.values()]
        b = [s[key] for s in solo.scores.values()]
        if not a or not b:
            return None
        draws = sorted(
            sum(rng.choices(a, k=len(a))) / len(a) - sum(rng.choices(b, k=len(b))) / len(b) for _ in range(_DRAWS)
        )
        base = sum(b) / len(b)
        diff, n, paired = sum(a) / len(a) - base, min(len(a), len(b)), False
    low, high = draws[int(0.025 * _DRAWS)], draws[int(0.975 * _DRAWS) - 1]
    return Gap(diff, low, high, n, paired, diff / base if base else None)


def report(runs: list[Run]) -> str:
    """The markdown report."""
    lines = ["## CooperBench", ""]
    lines += [
        "| model | setting | pairs | success | conflict rate | per-feature pass | messages / pair |",
        "|---|---|---:|---|---|---|---:|",
    ]
    for run in runs:
        success, conflict = rate(run, "both_passed"), rate(run, "conflict")
        features = [s.get("features_passed", 0.0) for s in run.scores.values()]
        per_feature = wilson(sum(features) * 2, 2 * len(features))
        messages = [s.get("messages", 0.0) for s in run.scores.values()]
        lines.append(
            f"| {run.model} | {run.label} | {success.n} | {_rate(success)} | "
            f"{_rate(conflict) if run.setting != 'solo' else 'n/a'} | {_rate(per_feature)} | "
            f"{sum(messages) / len(messages) if messages else 0:.2f} |"
        )
    gaps = _gaps(runs)
    if gaps:
        lines += ["", "### Coordination gap (team − solo success)", ""]
        lines += ["| model | setting | pairs | gap | 95% CI | relative | pairing |", "|---|---|---:|---:|---|---:|---|"]
        for run, found in gaps:
            relative = f"{found.relative:+.0%}" if found.relative is not None else "n/a"
            interval = f"[{found.low:+.3f}, {found.high:+.3f}]"
            pairing = "paired by pair id" if found.paired else "unpaired"
            lines.append(
                f"| {run.model} | {run.label} | {found.n} | {found.diff:+.3f} | {interval} | {relative} | {pairing} |"
            )
    lines += ["", "### Success by repository", ""] + _per_repo(runs)
    return "\n".join(lines) + "\n"


def _gaps(runs: list[Run]) -> list[tuple[Run, Gap]]:
    """Each team run against the solo run of the same model and solver."""
    solo = {(run.model, run.solver): run for run in runs if run.setting == "solo"}
    found = []
    for run in runs:
        if run.setting != "solo" and (run.model, run.solver) in solo:
            result = gap(run, solo[(run.model, run.solver)])
            if result is not None:
                found.append((run, result))
    return found


def _per_repo(runs: list[Run]) -> list[str]:
    columns = [f"{run.model} / {run.label}" for run in runs]
    table: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for index, run in enumerate(runs):
        for sample_id, scores in run.scores.items():
            table[sample_id.split("/")[0]][index].append(scores["both_passed"])
    lines = ["| repository | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
    for repo in sorted(table):
        cells = []
        for index in range(len(runs)):
            values = table[repo].get(index, [])
            cells.append(f"{sum(values) / len(values):.2f} ({len(values)})" if values else "–")
        lines.append(f"| {repo} | " + " | ".join(cells) + " |")
    return lines


def _rate(found: Rate) -> str:
    if not found.n:
        return "n/a"
    return f"{found.value:.3f} [{found.low:.3f}, {found.high:.3f}]"


def main(argv: Sequence[str] | None = None) -> int:
    """`cooperbench-report`: read runs, print (or write) the markdown report."""
    parser = argparse.ArgumentParser(
        prog="cooperbench-report", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("runs", nargs="+", help="run directories or their results.json")
    parser.add_argument("--output", "-o", help="write the markdown here instead of stdout")
    args = parser.parse_args(argv)
    runs = []
    for path in args.runs:
        try:
            runs.append(load_run(path))
        except HarnessError as ex:
            print(f"cooperbench-report: skipped: {ex}", file=sys.stderr)
    if not runs:
        print("cooperbench-report: error: no cooperbench runs among the arguments", file=sys.stderr)
        return 2
    text = report(runs)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
