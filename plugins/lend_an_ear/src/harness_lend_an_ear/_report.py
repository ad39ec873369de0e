"""The report of a run: per move and per condition (attribution, coaching), paired effects, every figure with its CI."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness import ConfigError, Estimate, mean_estimate

from ._moves import MOVES, TITLES

MAIN_SCORER = "lend_an_ear_empathy"
FELT = ("felt_heard", "felt_validated", "felt_understood")


@dataclass(frozen=True)
class Conversation:
    """One scored conversation of a run, as the report reads it."""

    id: str
    scenario: str
    attribution: str
    coached: bool
    figures: dict[str, float]
    felt: dict[str, float]
    split: dict[str, float]

    @property
    def condition(self) -> str:
        return f"{self.attribution}, {'coached' if self.coached else 'not coached'}"


@dataclass
class Report:
    """Estimates by condition, paired effects, and where they came from."""

    source: str
    judge: str
    conversations: list[Conversation]
    by_condition: dict[str, dict[str, Estimate]] = field(default_factory=dict)
    paired: dict[str, Estimate] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "judge": self.judge,
            "n_conversations": len(self.conversations),
            "by_condition": {c: {k: e.to_dict() for k, e in figs.items()} for c, figs in self.by_condition.items()},
            "paired": {k: e.to_dict() for k, e in self.paired.items()},
        }


def read_conversations(run: str | Path) -> tuple[str, str, list[Conversation]]:
    """(log path, judge, conversations) of a run directory (its results.json) or an inspect .eval log."""
    from inspect_ai.log import read_eval_log_samples

    location = _log_location(Path(run))
    found, judges = [], set()
    for sample in read_eval_log_samples(location, all_samples_required=False):
        scores = sample.scores or {}
        main = scores.get(MAIN_SCORER)
        if main is None or not isinstance(main.value, dict):
            continue
        meta = main.metadata or {}
        judges.add(str(meta.get("judge")))
        figures = {k: float(v) for k, v in main.value.items() if _finite(v)}
        felt = _values(scores.get("lend_an_ear_felt"))
        split = {**_values(scores.get("lend_an_ear_coaching")), **_values(scores.get("lend_an_ear_uncoached"))}
        found.append(
            Conversation(
                str(sample.id),
                str(meta.get("scenario")),
                str(meta.get("attribution")),
                bool(meta.get("coached")),
                figures,
                felt,
                split,
            )
        )
    if not found:
        raise ConfigError(f"{location}: no scored lend_an_ear conversations in this log (was it a lend_an_ear run?)")
    return location, ",".join(sorted(judges)), found


def _log_location(path: Path) -> str:
    from harness import read_record

    if path.is_file() and path.suffix in (".eval", ".json") and path.name != "results.json":
        return str(path)
    record_file = path / "results.json" if path.is_dir() else path
    if not record_file.is_file():
        raise ConfigError(f"{path}: not a run directory with results.json, nor an inspect .eval log")
    log = read_record(record_file).get("inspect_log")
    if not log or not Path(log).exists():
        raise ConfigError(f"{record_file}: its inspect log {log!r} is missing; pass the .eval file instead")
    return str(log)


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _values(score: Any) -> dict[str, float]:
    if score is None or not isinstance(score.value, dict):
        return {}
    return {k: float(v) for k, v in score.value.items() if _finite(v)}


def build_report(run: str | Path) -> Report:
    """Read a run and estimate every figure by condition, plus the paired attribution and coaching effects."""
    location, judge, conversations = read_conversations(run)
    report = Report(location, judge, conversations)
    groups: dict[str, list[Conversation]] = defaultdict(list)
    for c in conversations:
        groups["all"].append(c)
        groups[c.condition].append(c)
    for name, members in groups.items():
        report.by_condition[name] = _figures(members)
    report.paired = {**_attribution_effect(conversations), **_coaching_effect(conversations)}
    return report


def _figures(members: list[Conversation]) -> dict[str, Estimate]:
    figures = {"alignment": _bounded([c.figures["alignment"] for c in members if "alignment" in c.figures], -1, 1)}
    for key in MOVES:
        figures[key] = _bounded([c.figures[key] for c in members if key in c.figures], 0, 1)
    for key in FELT:
        figures[key] = _bounded([c.felt[key] for c in members if key in c.felt], 1, 5)
    return figures


def _bounded(values: list[float], low: float, high: float) -> Estimate:
    """The mean with its t interval, the interval clipped to the figure's range (small n can overshoot it)."""
    e = mean_estimate(values, binary=False)
    if e.ci95 is None:
        return e
    return replace(e, ci95=(max(low, e.ci95[0]), min(high, e.ci95[1])))


def _attribution_effect(conversations: list[Conversation]) -> dict[str, Estimate]:
    """Human - AI attribution, paired by scenario (and coaching), for each felt rating and alignment."""
    pairs: dict[tuple[str, bool], dict[str, Conversation]] = defaultdict(dict)
    for c in conversations:
        pairs[(c.scenario, c.coached)][c.attribution] = c
    both = [p for p in pairs.values() if "ai" in p and "human" in p]
    if not both:
        return {}
    effects = {}
    for key in FELT:
        diffs = [
            p["human"].felt[key] - p["ai"].felt[key] for p in both if key in p["human"].felt and key in p["ai"].felt
        ]
        effects[f"{key}: human - ai"] = mean_estimate(diffs, binary=False)
    return effects


def _coaching_effect(conversations: list[Conversation]) -> dict[str, Estimate]:
    """Alignment after - before the coaching point (coached), the same split without coaching, and their difference."""
    effects = {}
    for prefix, label in (("coaching", "coached"), ("uncoached", "not coached")):
        gains = [c.split[f"{prefix}_gain"] for c in conversations if f"{prefix}_gain" in c.split]
        if gains:
            effects[f"alignment after - before ({label})"] = mean_estimate(gains, binary=False)
    twins: dict[tuple[str, str], dict[bool, Conversation]] = defaultdict(dict)
    for c in conversations:
        twins[(c.scenario, c.attribution)][c.coached] = c
    diffs = [
        t[True].split["coaching_gain"] - t[False].split["uncoached_gain"]
        for t in twins.values()
        if True in t and False in t and "coaching_gain" in t[True].split and "uncoached_gain" in t[False].split
    ]
    if diffs:
        effects["coaching gain - uncoached change (paired)"] = mean_estimate(diffs, binary=False)
    return effects


def markdown(report: Report) -> str:
    """The report as Markdown tables: figures by condition, then paired effects."""
    conditions = list(report.by_condition)
    lines = [
        f"# Lend an Ear report\n\nlog: `{report.source}`; judge: {report.judge}; "
        f"conversations: {len(report.conversations)}\n"
    ]
    lines.append("| figure | " + " | ".join(conditions) + " |")
    lines.append("|---|" + "---|" * len(conditions))
    for key in ("alignment", *MOVES, *FELT):
        title = TITLES.get(key, key.replace("_", " "))
        lines.append(f"| {title} | " + " | ".join(fmt(report.by_condition[c][key]) for c in conditions) + " |")
    if report.paired:
        lines += ["", "| paired effect | estimate |", "|---|---|"]
        lines += [f"| {name} | {fmt(e)} |" for name, e in report.paired.items()]
    lines.append(
        "\nEach cell: mean [95% CI] (n conversations). Move rates are shares of supporter turns; "
        "alignment is in [-1, 1]; felt ratings 1-5."
    )
    return "\n".join(lines) + "\n"


def fmt(e: Estimate) -> str:
    """`0.42 [0.30, 0.54] (n=12)`, or `n/a (n=0)`."""
    if e.value is None:
        return f"n/a (n={e.n})"
    ci = f" [{e.ci95[0]:.2f}, {e.ci95[1]:.2f}]" if e.ci95 else " [CI n/a]"
    same = ", all equal" if e.stderr == 0 else ""
    return f"{e.value:.2f}{ci} (n={e.n}{same})"
