"""One CooperBench pair's wall time, split into build / agents / merge / tests: pooled vs cold.

Usage: python bench/cooperbench.py [--pair samuelcolvin_dirty_equals_task/43/f2_f3] [--repeats 3] [--json FILE]

The agents are the gold solver (each applies its feature's gold patch), so the figures are the
harness's own cost, not a model's thinking time.
- cold: the task image is removed first, so it is built again (single-commit clone of the source,
  wheelhouse download on the host, docker build), and the agents' containers start on demand
  (`task.pool_size=0`);
- pooled: the image is cached and the harness-docker pool keeps agent containers started
  (`task.pool_size=2`).
Per run: build = finding or building the task image; agents = the solver (its containers already
acquired); merge = the fresh evaluation container that applies both patches and merges them;
tests = both features' runner.sh runs (concurrent, each in a fresh container); run = the whole
`harness eval` wall time; other = run − agents − merge − tests (acquiring the agents' containers,
reading their diffs, inspect's start-up and the log), where the warm pool shows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _task_image(pair: str) -> tuple[object, object, str]:
    from harness_cooperbench import load_dataset, resolve_sources, shipped_dataset
    from harness_cooperbench._image import image_tag

    dataset = load_dataset(shipped_dataset())
    repo_dir, task_id = pair.split("/")[:2]
    task = dataset.task(repo_dir, int(task_id))
    source = resolve_sources([task], None, {task.github}).repositories[task.name]
    return task, source, image_tag(task)


def one_run(pair: str, cold: bool, log_dir: Path) -> dict[str, float]:
    """Time one pair end to end; cold removes the task image first and starts containers on demand."""
    import docker
    from inspect_ai.log import read_eval_log

    from harness import load_run_config, run_eval
    from harness_cooperbench._image import ensure_task_image

    task, source, tag = _task_image(pair)
    if cold:
        try:
            docker.from_env().images.remove(tag, force=True)
        except docker.errors.ImageNotFound:
            pass
    started = time.perf_counter()
    ensure_task_image(task, source)
    build = time.perf_counter() - started
    config = load_run_config(
        {
            "task": "cooperbench",
            "model": "mockllm/model",
            "solver": "cooperbench_gold",
            "task.pairs": json.dumps([pair]),
            "task.pool_size": "0" if cold else "2",
            "log_dir": str(log_dir),
        }
    )
    started = time.perf_counter()
    outcome = run_eval(config)
    run = time.perf_counter() - started
    [sample] = read_eval_log(outcome.record["inspect_log"]).samples or []
    seconds = sample.scores["merged_tests"].metadata["seconds"]
    parts = {"agents": seconds["agents"], "merge": seconds["merge"], "tests": seconds["tests"]}
    return {"build": build, **parts, "other": run - sum(parts.values()), "run": run}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pair", default="samuelcolvin_dirty_equals_task/43/f2_f3")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)
    results: dict[str, list[dict[str, float]]] = {"cold": [], "pooled": []}
    with tempfile.TemporaryDirectory(prefix="cooperbench-bench-") as logs:
        for repeat in range(args.repeats):
            for mode in ("cold", "pooled"):
                results[mode].append(one_run(args.pair, mode == "cold", Path(logs) / f"{mode}{repeat}"))
    parts = ("build", "agents", "merge", "tests", "other", "run")
    print(f"CooperBench pair {args.pair}, gold solver, median of {args.repeats} (seconds)")
    print(f"{'':8}" + "".join(f"{p:>9}" for p in parts))
    for mode, runs in results.items():
        print(f"{mode:8}" + "".join(f"{statistics.median(r[p] for r in runs):9.2f}" for p in parts))
    if args.json:
        Path(args.json).write_text(json.dumps({"pair": args.pair, "runs": results}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
