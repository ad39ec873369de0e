"""Cross-setting report: resolve rate per setting and model, interactive vs hidden, and recovery.

    ambig-swe-report RUN_DIR_OR_RESULTS.json ...

relative improvement = (interactive - hidden) / hidden; recovery = interactive / full. Their 95% CIs
come from a parametric bootstrap: each setting's resolve count is redrawn from Binomial(n, rate)
(the runs are independent samples of the same instances), 10,000 draws, percentile interval.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Sequence

from harness import HarnessError, read_record

_DRAWS = 10_000


@dataclass(frozen=True)
class SettingResult:
    """One run's resolve rate."""

    model: str
    setting: str
    rate: float
    n: int
    ci95: tuple[float, float] | None


def setting_results(records: list[dict[str, Any]]) -> list[SettingResult]:
    """Resolve rate of each Ambig-SWE run (the last run wins when a model+setting repeats)."""
    found: dict[tuple[str, str], SettingResult] = {}
    for record in records:
        if record["task"]["name"] != "ambig_swe" or record["status"] != "success":
            continue
        args = record["params"].get("task_args") or {}
        setting = "detection" if args.get("detection") else args.get("setting", "interactive")
        metric = next(
            (m for m in record["metrics"] if m["scorer"] == "tests_resolved" and m["name"] == "accuracy"), None
        )
        if metric is None or metric["value"] is None:
            continue
        ci = tuple(metric["ci95"]) if metric["ci95"] else None
        found[(record["model"], setting)] = SettingResult(record["model"], setting, metric["value"], metric["n"], ci)
    return sorted(found.values(), key=lambda r: (r.model, r.setting))


def ratio_interval(numerator: SettingResult, denominator: SettingResult, minus_one: bool) -> tuple[float, float] | None:
    """Percentile-bootstrap 95% CI of num/den (or num/den - 1) with binomial redraws of both rates."""
    import numpy as np

    rng = np.random.default_rng(0)
    top = rng.binomial(numerator.n, numerator.rate, _DRAWS) / numerator.n
    bottom = rng.binomial(denominator.n, denominator.rate, _DRAWS) / denominator.n
    keep = bottom > 0
    if keep.mean() < 0.95:  # the denominator is too often zero for the ratio to mean anything
        return None
    ratios = top[keep] / bottom[keep] - (1 if minus_one else 0)
    low, high = np.percentile(ratios, [2.5, 97.5])
    return float(low), float(high)


def report(records: list[dict[str, Any]]) -> str:
    """The report as text."""
    results = setting_results(records)
    if not results:
        return "no successful ambig_swe runs among the records"
    lines = [f"{'model':<32}{'setting':<13}{'resolved':>9}  {'95% CI':<17}{'n':>4}"]
    by_model: dict[str, dict[str, SettingResult]] = defaultdict(dict)
    for r in results:
        by_model[r.model][r.setting] = r
        ci = f"[{r.ci95[0]:.3f}, {r.ci95[1]:.3f}]" if r.ci95 else "n/a"
        lines.append(f"{r.model:<32}{r.setting:<13}{r.rate:>9.3f}  {ci:<17}{r.n:>4}")
    for model, settings in by_model.items():
        for label, top, bottom, minus_one in (
            ("interactive vs hidden (relative improvement)", "interactive", "hidden", True),
            ("recovery (interactive / full)", "interactive", "full", False),
        ):
            if top in settings and bottom in settings:
                a, b = settings[top], settings[bottom]
                value = (a.rate / b.rate - (1 if minus_one else 0)) if b.rate else None
                interval = ratio_interval(a, b, minus_one) if b.rate else None
                shown = (
                    "undefined (denominator is 0)"
                    if value is None
                    else f"{value:+.3f}"
                    if minus_one
                    else f"{value:.3f}"
                )
                ci = f"  95% CI [{interval[0]:.3f}, {interval[1]:.3f}]" if interval else "  95% CI n/a"
                lines.append(f"{model}: {label} = {shown}{ci if value is not None else ''}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """`ambig-swe-report`: read results records and print the cross-setting report."""
    parser = argparse.ArgumentParser(
        prog="ambig-swe-report", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("results", nargs="+", help="results.json files or the run directories holding them")
    args = parser.parse_args(argv)
    records = []
    for path in args.results:
        try:
            records.append(read_record(path))
        except HarnessError as ex:
            print(f"ambig-swe-report: skipped: {ex}", file=sys.stderr)
    print(report(records))
    return 0 if records else 2


if __name__ == "__main__":
    sys.exit(main())
