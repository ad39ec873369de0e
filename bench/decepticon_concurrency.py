"""DECEPTICON episodes per minute at the default concurrency and across a sweep, on this machine.

Usage: python bench/decepticon_concurrency.py [--tasks 12] [--rounds 2] [--levels 1,2,3,4,6,8]

The scripted careful policy on the first N shipped tasks (categories in turn), both variants. Each
level k runs with k browser actions in flight and 2k episodes open (the shape of the default, whose
k is the machine's rule: `browser_limits()`, k = usable cores). Every setting is run `--rounds` times,
in a rotated order, and its figure is the median, so a change of outside load does not favour one
setting. Reported: episodes per minute, careful's success (24/24 is the documented 100%), infra
errors with their cause, and the default's share of the best. Target: the default within 20% of the
best (share >= 0.80) with no infra error anywhere; the exit status is 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def measure(tasks: list, actions: int) -> dict:
    """One run of careful over `tasks` x both variants at `actions` in flight and 2 x actions episodes open."""
    from harness import InfraError
    from harness_decepticon import BrowserLimits, BrowserService, run_policy

    limits = BrowserLimits(actions=actions, episodes=2 * actions, cores=os.cpu_count() or 1, available_mib=0)
    service = BrowserService(limits)
    runs: list = [(t, v) for t in tasks for v in ("treatment", "control")]
    try:
        service.call(service.browser)
        run_policy(runs[:2], "careful", service=service)  # warm: contexts and the page scripts
        started = time.perf_counter()
        outcomes = run_policy(runs, "careful", service=service)
        elapsed = time.perf_counter() - started
    except InfraError as ex:
        return {"per_minute": 0.0, "ok": 0, "episodes": len(runs), "infra": str(ex)}
    finally:
        service.close()
    ok = sum(bool(o["success"] and not o["dp"]) for o in outcomes)
    return {"per_minute": len(outcomes) / elapsed * 60, "ok": ok, "episodes": len(outcomes), "infra": ""}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--levels", default="1,2,3,4,6,8", help="browser actions in flight to try")
    args = parser.parse_args()

    from harness_decepticon import browser_limits, interleave, load_tasks

    rule = browser_limits()
    default = rule.actions
    levels = sorted({int(x) for x in args.levels.split(",")} | {default})
    tasks = interleave(load_tasks())[: args.tasks]
    print(f"default (the rule): {rule.describe()}; load average {os.getloadavg()[0]:.1f}")
    print(f"careful policy, {len(tasks)} tasks x 2 variants, {args.rounds} rounds (median)\n")
    results: dict[int, list[dict]] = {k: [] for k in levels}
    for round_ in range(args.rounds):
        shift = round_ % len(levels)
        for k in levels[shift:] + levels[:shift]:
            results[k].append(measure(tasks, k))
    rows = {k: statistics.median(r["per_minute"] for r in runs) for k, runs in results.items()}
    print("| actions in flight | episodes open | episodes/min (median) | careful ok | infra errors |")
    print("|---|---|---|---|---|")
    for k in levels:
        runs = results[k]
        ok = f"{min(r['ok'] for r in runs)}/{runs[0]['episodes']}"
        errors = [r["infra"] for r in runs if r["infra"]]
        mark = " (default)" if k == default else ""
        print(f"| {k}{mark} | {2 * k} | {rows[k]:.0f} | {ok} | {len(errors)}{': ' + errors[0] if errors else ''} |")
    best = max(rows, key=lambda k: rows[k])
    share = rows[default] / rows[best] if rows[best] else 0.0
    infra = sum(bool(r["infra"]) for runs in results.values() for r in runs)
    print(f"\nbest: {best} actions ({rows[best]:.0f}/min); default {rows[default]:.0f}/min = {share:.2f} of the best")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    passed = share >= 0.8 and infra == 0
    print("target (default >= 0.80 of best, no infra error):", "met" if passed else "NOT met")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
