"""CooperBench throughput: pairs per minute at the default evaluation concurrency and across a sweep.

Usage: python bench/cooperbench.py [--pairs 6] [--sweep 1,2,3,4] [--json FILE]

The agents are the gold solver (each applies its feature's gold patch), so the figures are the
harness's own cost — a merge container and two test containers per pair — not a model's thinking
time. Every run grades the same dirty-equals pairs with all of them in flight (`max_samples` = pairs),
so the evaluation containers' concurrency (`task.eval_concurrency`) is what limits the rate. The
default is the plugin's rule, computed here and now (`harness_cooperbench.default_eval_concurrency`:
min(usable cores, GiB of available memory)). Reported per setting: pairs/minute, the run's wall
time, and its infrastructure errors (the record's `samples.infra_errors`); then whether the default
comes within 20% of the best setting with no infrastructure error at either.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

TASK = "samuelcolvin_dirty_equals_task/task43"


def pair_ids(count: int) -> list[str]:
    """The first `count` pairs of the dirty-equals task (its tests run in seconds)."""
    from harness_cooperbench import load_dataset, select_pairs, shipped_dataset

    selection = select_pairs(load_dataset(shipped_dataset()), "all", ["samuelcolvin_dirty_equals_task/43"], None)
    return [pair.id for pair in selection.pairs[:count]]


def ensure_image() -> None:
    """Build the task image first, so no run's time includes the build."""
    from harness_cooperbench import ensure_task_image, load_dataset, resolve_sources, shipped_dataset

    task = load_dataset(shipped_dataset()).tasks[TASK]
    source = resolve_sources([task], None, {task.github}).repositories[task.name]
    ensure_task_image(task, source)


def one_run(pairs: list[str], concurrency: int | None, log_dir: Path) -> dict[str, float | int | None]:
    """Grade `pairs` with the gold solver; `concurrency` None = the plugin's default rule."""
    from harness import load_run_config, run_eval

    overrides = {
        "task": "cooperbench",
        "model": "mockllm/model",
        "solver": "cooperbench_gold",
        "task.pairs": json.dumps(pairs),
        "max_samples": str(len(pairs)),
        "log_dir": str(log_dir),
        "display": "none",
    }
    if concurrency is not None:
        overrides["task.eval_concurrency"] = str(concurrency)
    started = time.perf_counter()
    outcome = run_eval(load_run_config(overrides))
    seconds = time.perf_counter() - started
    samples = outcome.record.get("samples", {})
    return {
        "concurrency": concurrency,
        "seconds": round(seconds, 1),
        "pairs_per_minute": round(len(pairs) / seconds * 60, 2),
        "infra_errors": int(samples.get("infra_errors", 0) or 0),
        "errors": int(samples.get("errors", 0) or 0),
    }


def main(argv: list[str]) -> int:
    from harness_cooperbench import default_eval_concurrency

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--sweep", default="1,2,3,4", help="evaluation concurrencies to try besides the default")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)
    default = default_eval_concurrency()
    pairs = pair_ids(args.pairs)
    ensure_image()
    rows = []
    with tempfile.TemporaryDirectory(prefix="cooperbench-bench-") as logs:
        for value in [None, *(int(v) for v in args.sweep.split(","))]:
            rows.append(one_run(pairs, value, Path(logs) / f"c{value}"))
            shown = f"default ({default})" if value is None else str(value)
            row = rows[-1]
            counts = f"{row['seconds']} s, infra errors {row['infra_errors']}, errors {row['errors']}"
            print(f"eval_concurrency {shown:>12}: {row['pairs_per_minute']:6.2f} pairs/min ({counts})", flush=True)
    best = max(rows[1:], key=lambda r: float(r["pairs_per_minute"] or 0))
    ratio = float(rows[0]["pairs_per_minute"] or 0) / float(best["pairs_per_minute"] or 1)
    clean = rows[0]["infra_errors"] == 0 and best["infra_errors"] == 0
    print(f"best: eval_concurrency {best['concurrency']} at {best['pairs_per_minute']} pairs/min; default "
          f"({default}) reaches {ratio:.0%} of it; target >= 80% with no infra error: "
          f"{'met' if ratio >= 0.8 and clean else 'NOT met'}")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps({"pairs": pairs, "default": default, "rows": rows}, indent=1) + "\n")
    return 0 if ratio >= 0.8 and clean else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
