"""The report over runs: success and preference satisfaction per run, per profile, per session, and paired comparisons.

A run is one solver in one setting (its label: `solver @ setting`). Paired comparisons take two runs of
the same setting and the sessions both scored (same sample id and epoch), and report the mean
per-session difference with its 95% CI (Student's t over the differences; Hoeffding over [-1, 1]
when every difference is the same) and how many sessions each side won.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import ConfigError, mean_estimate

from ._scorer import PARTS

SCORER = "session_outcome"
BOUNDS = {"resolved": (0.0, 1.0), "satisfaction": (0.0, 1.0), "satisfied": (0.0, 1.0), "success": (0.0, 1.0)}


@dataclass(frozen=True)
class Session:
    """One scored session of a run."""

    id: str
    epoch: int
    profile: str
    session: int
    values: dict[str, float]


@dataclass
class Run:
    """The scored sessions of one run (one solver, one setting)."""

    path: str
    solver: str
    setting: str
    model: str
    sessions: list[Session] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.solver} @ {self.setting}"


def _log_file(path: Path) -> Path:
    if path.is_file():
        return path
    if path.is_dir():
        logs = sorted(path.glob("*.eval"))
        if logs:
            return logs[-1]
    raise ConfigError(f"{path}: no run found (give a run directory holding an .eval log, or the .eval file)")


def read_run(path: str | Path) -> Run:
    """The scored sessions of a run directory or .eval log.

    Raises:
        ConfigError: No log there, or a log of another task; the message names the path.
    """
    from inspect_ai.log import read_eval_log

    file = _log_file(Path(path))
    log = read_eval_log(str(file))
    if not (log.eval.task or "").endswith("stateful_swe"):
        raise ConfigError(f"{file}: a log of task {log.eval.task!r}, not stateful_swe")
    solver = log.eval.solver or (log.plan.steps[-1].solver if log.plan and log.plan.steps else "default")
    run = Run(str(file), solver, str(log.eval.task_args.get("setting", "history")), log.eval.model)
    for sample in log.samples or []:
        score = (sample.scores or {}).get(SCORER)
        if sample.error or score is None or not isinstance(score.value, dict):
            continue
        meta = sample.metadata or {}
        values = {part: float(score.value[part]) for part in PARTS if part in score.value}
        run.sessions.append(
            Session(
                str(sample.id), int(sample.epoch), str(meta.get("profile")), int(meta.get("harness_session", 0)), values
            )
        )
    return run


def estimate(values: list[float], part: str) -> dict[str, Any]:
    """Mean, stderr, 95% CI and n of one part's per-session values."""
    low, high = BOUNDS[part]
    found = mean_estimate(values, binary=part != "satisfaction", bounds=(low, high))
    ci = (max(low, found.ci95[0]), min(high, found.ci95[1])) if found.ci95 else None  # a share stays in [0, 1]
    return {"value": found.value, "stderr": found.stderr, "ci95": ci, "n": found.n}


def _by(run: Run, key: str) -> dict[Any, list[Session]]:
    groups: dict[Any, list[Session]] = defaultdict(list)
    for session in run.sessions:
        groups[getattr(session, key)].append(session)
    return dict(sorted(groups.items()))


def summarise(run: Run) -> dict[str, Any]:
    """A run's parts overall, per profile and per session number."""

    def parts(sessions: list[Session]) -> dict[str, Any]:
        return {part: estimate([s.values[part] for s in sessions if part in s.values], part) for part in PARTS}

    return {
        "run": run.path,
        "label": run.label,
        "model": run.model,
        "overall": parts(run.sessions),
        "profiles": {name: parts(group) for name, group in _by(run, "profile").items()},
        "sessions": {number: parts(group) for number, group in _by(run, "session").items()},
    }


def paired(a: Run, b: Run) -> dict[str, Any]:
    """Run b minus run a on the sessions both scored: satisfaction and success differences with CIs."""
    left = {(s.id, s.epoch): s for s in a.sessions}
    shared = [(left[(s.id, s.epoch)], s) for s in b.sessions if (s.id, s.epoch) in left]
    result: dict[str, Any] = {"a": a.label, "b": b.label, "n": len(shared)}
    for part in ("satisfaction", "success", "resolved"):
        differences = [y.values[part] - x.values[part] for x, y in shared]
        found = mean_estimate(differences, binary=False, bounds=(-1.0, 1.0))
        result[part] = {
            "difference": found.value,
            "stderr": found.stderr,
            "ci95": found.ci95,
            "b_better": sum(d > 0 for d in differences),
            "a_better": sum(d < 0 for d in differences),
        }
    return result


def report(paths: list[str]) -> dict[str, Any]:
    """Every run's summary and the paired comparisons of runs in the same setting."""
    runs = [read_run(p) for p in paths]
    comparisons = [paired(a, b) for i, a in enumerate(runs) for b in runs[i + 1 :] if a.setting == b.setting]
    return {"runs": [summarise(r) for r in runs], "paired": comparisons}


def _cell(found: dict[str, Any]) -> str:
    if found.get("value") is None:
        return "—"
    ci = found.get("ci95")
    interval = f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else ""
    return f"{found['value']:.2f}{interval} (n={found['n']})"


def markdown(data: dict[str, Any]) -> str:
    """The report as Markdown tables."""
    lines = ["## Runs", "", "| run | " + " | ".join(PARTS) + " |", "|---" * (len(PARTS) + 1) + "|"]
    for run in data["runs"]:
        lines.append(f"| {run['label']} | " + " | ".join(_cell(run["overall"][p]) for p in PARTS) + " |")
    for title, key in (("profile", "profiles"), ("session", "sessions")):
        lines += ["", f"## Per {title}", "", f"| run | {title} | satisfaction | success |", "|---|---|---|---|"]
        for run in data["runs"]:
            for name, parts in run[key].items():
                lines.append(
                    f"| {run['label']} | {name} | {_cell(parts['satisfaction'])} | {_cell(parts['success'])} |"
                )
    if data["paired"]:
        lines += ["", "## Paired comparisons (b − a, same sessions)", ""]
        lines += ["| a | b | n | satisfaction Δ | success Δ | b/a better (satisfaction) |", "|---|---|---|---|---|---|"]
        for pair in data["paired"]:
            sat, suc = pair["satisfaction"], pair["success"]
            lines.append(
                f"| {pair['a']} | {pair['b']} | {pair['n']} | {_delta(sat)} | {_delta(suc)} | "
                f"{sat['b_better']}/{sat['a_better']} |"
            )
    return "\n".join(lines) + "\n"


def _delta(found: dict[str, Any]) -> str:
    if found["difference"] is None:
        return "—"
    ci = found["ci95"]
    return f"{found['difference']:+.2f}" + (f" [{ci[0]:+.2f}, {ci[1]:+.2f}]" if ci else "")


def write_json(data: dict[str, Any], path: str) -> None:
    Path(path).write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
