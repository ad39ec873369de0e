"""Measure real instances here: build time, gold check, then gold and empty runs through `harness eval`.

    python scripts/measure_real.py DATASET.jsonl '{"psf/requests": "SOURCE"}' [LOG_DIR]

Prints one Markdown row per instance: image build seconds (0 when cached), gold-check seconds and
outcome or why it is not run, and the gold and empty runs' outcome and sample seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    from inspect_ai.log import read_eval_log

    from harness_ambig_swe import load_instances
    from harness_ambig_swe._real import LocalBuilder, NotRun

    dataset, repos = sys.argv[1], json.loads(sys.argv[2])
    log_root = Path(sys.argv[3]) if len(sys.argv) > 3 else Path(tempfile.mkdtemp(prefix="measure-real-"))
    builder = LocalBuilder(repos)
    rows: dict[str, list[str]] = {}
    for instance in load_instances(dataset).instances:
        started = time.monotonic()
        prepared = builder.prepare(instance)
        if isinstance(prepared, NotRun):
            took = f"{time.monotonic() - started:.0f}"
            rows[instance.instance_id] = [took, f"not run ({prepared.kind}): {prepared.reason}"]
        else:
            gold = f"resolved in {prepared.gold.seconds:.0f} s" if prepared.gold else "-"
            rows[instance.instance_id] = [f"{prepared.build_seconds:.0f}", gold]
    for solver in ("ambig_swe_gold", "ambig_swe_empty"):
        log_dir = log_root / solver
        command = [
            sys.executable,
            "-m",
            "harness",
            "eval",
            "task=ambig_swe",
            f"task.dataset={dataset}",
            f"task.repos={json.dumps(repos)}",
            f"solver={solver}",
            "task.setting=full",
            "max_samples=1",
            f"log_dir={log_dir}",
            "display=none",
        ]
        subprocess.run(command, check=True, capture_output=True)
        record = json.loads(next(log_dir.glob("*/results.json")).read_text())
        for sample in read_eval_log(record["inspect_log"]).samples or []:
            score = sample.scores["tests_resolved"]
            outcome = "resolved" if score.value == "C" else "not resolved"
            rows[str(sample.id)].append(f"{outcome}, {sample.total_time:.0f} s")
    print("| instance | build s | gold check | gold run | empty run |")
    print("|---|---:|---|---|---|")
    for instance_id, cells in rows.items():
        cells += ["-"] * (4 - len(cells))
        print(f"| {instance_id} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
