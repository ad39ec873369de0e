"""The full gold check: every shipped pair merged from its gold patches, then both features tested.

    python scripts/gold_check.py [--workers 2] [--json results.json]

Prints, per task, how many pairs conflict (compared with gold_conflict_report.json), how the
merges end, and how many union-merged pairs pass each feature and both; then each feature's gold
patch alone, an empty patch, and the whole pull request (combined.patch, the solo gold). Takes
~25-50 min on 2 busy cores (294 + 93 runner runs); the tests run a faster part of it (all merges,
all single features, a few pairs end to end).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness_cooperbench import (
    drop_test_files,
    evaluate_coop,
    load_dataset,
    resolve_sources,
    run_feature_tests,
    shipped_dataset,
)
from harness_cooperbench._image import ensure_task_image
from harness_cooperbench._selection import all_pairs


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", help="write per-pair and per-feature results here")
    args = parser.parse_args(argv)
    dataset = load_dataset(shipped_dataset())
    tasks = list(dataset.tasks.values())
    sources = resolve_sources(tasks, None, {t.github for t in tasks}).repositories
    images = {t.name: ensure_task_image(t, sources[t.name], print) for t in tasks}
    report = json.loads((shipped_dataset() / "gold_conflict_report.json").read_text())
    conflicts = {(r["repo"], r["task_id"], r["f1"], r["f2"]): r["has_conflict"] for r in report["all_results"]}

    def pair(p):  # noqa: ANN001, ANN202
        gold = evaluate_coop(
            images[p.task.name], p.task, p.i, p.j, p.task.feature(p.i).gold_patch, p.task.feature(p.j).gold_patch
        )
        expected = conflicts[(p.task.repo_dir, p.task.task_id, p.i, p.j)]
        return p, gold, expected

    def feature(job):  # noqa: ANN001, ANN202
        task, f = job
        gold = run_feature_tests(images[task.name], f.number, f.tests_patch, f.gold_patch)
        empty = run_feature_tests(images[task.name], f.number, f.tests_patch, "")
        whole = run_feature_tests(images[task.name], f.number, f.tests_patch, drop_test_files(task.combined_patch))
        return task, f, gold.passed, empty.passed, whole.passed

    with ThreadPoolExecutor(args.workers) as pool:
        pairs = list(pool.map(pair, all_pairs(dataset)))
        features = list(pool.map(feature, [(t, f) for t in tasks for f in t.features]))
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for p, gold, expected in pairs:
        row = rows[p.task.name]
        row["pairs"] += 1
        row["agree"] += gold.merge.conflict == expected
        row[gold.merge.outcome] += 1
        row["feature1"] += gold.feature1.passed
        row["feature2"] += gold.feature2.passed
        row["both"] += gold.both_passed
    for task, _feature, gold_ok, empty_ok, whole_ok in features:
        rows[task.name]["gold alone"] += gold_ok
        rows[task.name]["empty"] += empty_ok
        rows[task.name]["combined.patch (solo gold)"] += whole_ok
    for name, row in rows.items():
        print(name, dict(row))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "pairs": {p.id: [g.merge.outcome, g.feature1.passed, g.feature2.passed] for p, g, _ in pairs},
                    "features": {f"{t.name}/f{f.number}": [a, b, c] for t, f, a, b, c in features},
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
