"""Cross-setting report: resolve rate per model and setting, interactive vs hidden, recovery, paired tests.

    ambig-swe-report RUNS_DIR_OR_RESULTS.json ... [published:PATH#COLUMN ...]

Results records are found recursively under directories (as `harness leaderboard` does); repeated
runs of one model and setting are pooled by instance (each instance's outcome averaged over epochs
and runs, n = instances), never silently replaced. `published:PATH#COLUMN` adds a published model's
per-instance outcomes (the Ambig-SWE release's `fully-specified.csv`, `underspecified.csv`,
`interaction.csv`) as a baseline.

relative improvement = interactive / hidden - 1; recovery = interactive / full. Rates get the core's
95% CI (Wilson for 0/1 outcomes); ratios the MOVER-R interval from those. Runs of the same setting
are compared instance by instance with `harness compare`'s methods (paired bootstrap CI of the
difference, exact McNemar test).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import defaultdict
from collections.abc import Sequence

from ._paired import compare
from ._ratios import estimate, ratio
from ._runs import PUBLISHED_PREFIX, Run, RunError, published_run, record_runs

_RATIOS = (
    ("interactive vs hidden (relative improvement)", "interactive", "hidden", True),
    ("recovery (interactive / full)", "interactive", "full", False),
)


def report(runs: list[Run]) -> str:
    """The report as text."""
    if not runs:
        return "no ambig_swe runs among the inputs"
    runs = sorted(runs, key=lambda r: (r.label, r.setting, not r.published))
    lines = [f"{'model':<34}{'setting':<13}{'resolved':>9}  {'count':>9}  {'95% CI':<17}{'n':>5}  source"]
    for run in runs:
        found = estimate(run)
        ci = f"[{found.ci95[0]:.3f}, {found.ci95[1]:.3f}]" if found.ci95 else "n/a"
        binary = all(v in (0.0, 1.0) for v in run.outcomes.values())
        count = f"{run.resolved:.0f}/{len(run.outcomes)}" if binary else "pooled"
        name = f"{run.label} (published)" if run.published else run.label
        source = ", ".join(run.sources[:2]) + (f" +{len(run.sources) - 2}" if len(run.sources) > 2 else "")
        if len(run.sources) > 1:
            source = f"{len(run.sources)} runs pooled by instance: {source}"
        lines.append(f"{name:<34}{run.setting:<13}{found.value or 0:>9.3f}  {count:>9}  {ci:<17}{found.n:>5}  {source}")
        if run.not_run:
            kinds: defaultdict[str, int] = defaultdict(int)
            for item in run.not_run:
                kinds[item.get("kind", "?")] += 1
            shown = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
            lines.append(f"{'':<34}{'':<13}not run here (not counted): {len(run.not_run)} ({shown})")
    lines += _ratio_lines(runs) + _paired_lines(runs)
    return "\n".join(lines)


def _ratio_lines(runs: list[Run]) -> list[str]:
    lines: list[str] = []
    by_model: dict[tuple[str, bool], dict[str, Run]] = defaultdict(dict)
    for run in runs:
        by_model[(run.label, run.published)][run.setting] = run
    for (label, published), settings in by_model.items():
        name = f"{label} (published)" if published else label
        for text, top, bottom, minus_one in _RATIOS:
            if top not in settings or bottom not in settings:
                continue
            found = ratio(settings[top], settings[bottom], minus_one)
            if found.value is None:
                lines.append(f"{name}: {text} = undefined ({bottom} resolves nothing)")
                continue
            shown = f"{found.value:+.3f}" if minus_one else f"{found.value:.3f}"
            ci = "n/a" if found.ci95 is None else f"[{found.ci95[0]:.3f}, {_bound(found.ci95[1])}]"
            lines.append(f"{name}: {text} = {shown}  95% CI {ci}")
    return lines


def _paired_lines(runs: list[Run]) -> list[str]:
    lines: list[str] = []
    by_setting: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        by_setting[run.setting].append(run)
    for setting, group in sorted(by_setting.items()):
        ordered = sorted(group, key=lambda r: not r.published)  # published baselines first: they are BASE
        for i, base in enumerate(ordered):
            for new in ordered[i + 1 :]:
                found = compare(base, new)
                if found is None:
                    lines.append(f"{setting}: {new.label} vs {base.label}: fewer than 2 common instances, not compared")
                    continue
                lines.append(
                    f"{setting}: {found.new} vs {found.base} on {found.n} common instances: "
                    f"{found.new_mean:.3f} vs {found.base_mean:.3f}, difference {found.difference:+.3f} "
                    f"95% CI [{found.ci95[0]:.3f}, {found.ci95[1]:.3f}] (paired bootstrap), "
                    f"p = {found.p_value:.4g} ({found.test}): {found.verdict}"
                )
    return (["", "paired by instance (as harness compare):", *lines]) if lines else []


def _bound(value: float) -> str:
    return "inf" if math.isinf(value) else f"{value:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    """`ambig-swe-report`: read runs and published baselines, print the cross-setting report."""
    parser = argparse.ArgumentParser(
        prog="ambig-swe-report", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "inputs",
        nargs="+",
        help="results.json files, directories holding them (searched recursively), published:PATH#COLUMN",
    )
    args = parser.parse_args(argv)
    runs: list[Run] = []
    for argument in (a for a in args.inputs if a.startswith(PUBLISHED_PREFIX)):
        try:
            runs.append(published_run(argument))
        except RunError as ex:
            print(f"ambig-swe-report: {ex}", file=sys.stderr)
            return 2
    found, skipped = record_runs([a for a in args.inputs if not a.startswith(PUBLISHED_PREFIX)])
    for message in skipped:
        print(f"ambig-swe-report: skipped: {message}", file=sys.stderr)
    runs += found
    print(report(runs))
    return 0 if runs else 2


if __name__ == "__main__":
    sys.exit(main())
