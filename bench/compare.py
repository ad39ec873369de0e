"""Reading per-sample scores for `harness compare`: whole log vs sample summaries.

    python bench/compare.py [--samples 400] [--kib 64]

Makes one agent-sized inspect log (each sample carries a long transcript: a large input and a
multi-turn conversation), then reads its per-sample scores both ways, each in a fresh process:
`read_eval_log(...).samples` (how compare read before) and `read_eval_log_sample_summaries`
(how it reads now). Prints wall time and peak RSS of each and the ratios, and checks that both
give the same scores.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

READ = """
import json, sys, time, tracemalloc
from inspect_ai.log import read_eval_log, read_eval_log_sample_summaries
path, how, traced = sys.argv[1], sys.argv[2], sys.argv[3] == "traced"
if traced:
    tracemalloc.start()
started = time.perf_counter()
samples = read_eval_log(path).samples if how == "whole" else read_eval_log_sample_summaries(path)
scores = {s.id: s.scores["match"].value for s in samples}
seconds = time.perf_counter() - started
peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else 0.0
print(json.dumps({"seconds": seconds, "peak_mib": peak,
                  "scores": {str(k): v for k, v in sorted(scores.items(), key=lambda kv: str(kv[0]))}}))
"""


def make_log(directory: Path, samples: int, kib: int) -> Path:
    from inspect_ai import Task, eval
    from inspect_ai.dataset import Sample
    from inspect_ai.model import ChatMessageAssistant, ChatMessageUser
    from inspect_ai.scorer import match

    from harness import install_offline_token_counting

    install_offline_token_counting()
    import random

    words = ["".join(random.choices("abcdefghijklmnopqrstuvwxyz", k=random.randint(2, 9))) for _ in range(5000)]
    filler = " ".join(random.choices(words, k=kib * 1024 // 6))[: kib * 1024]  # compresses like real text
    turns = [
        ChatMessageUser(content=f"step {i}: {filler[:2048]}")
        if i % 2 == 0
        else ChatMessageAssistant(content=filler[:1024])
        for i in range(20)
    ]
    dataset = [Sample(id=i, input=[ChatMessageUser(content=filler), *turns], target=str(i % 3)) for i in range(samples)]
    logs = eval(Task(dataset=dataset, scorer=match()), model="mockllm/model", log_dir=str(directory), display="none")
    return Path(logs[0].location)


def read(path: Path, how: str) -> dict:
    """Time without tracing, then the peak of Python allocations while reading (tracemalloc) in another run."""

    def once(mode: str) -> dict:
        command = [sys.executable, "-c", READ, str(path), how, mode]
        return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)

    timed, traced = once("timed"), once("traced")
    return {**timed, "peak_mib": traced["peak_mib"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--kib", type=int, default=64, help="KiB of transcript text per sample")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        log = make_log(Path(scratch), args.samples, args.kib)
        print(f"log: {args.samples} samples, {log.stat().st_size / 2**20:.1f} MiB on disk ({args.kib} KiB input each)")
        whole, summaries = read(log, "whole"), read(log, "summaries")
    for name, figures in (("whole log (before)", whole), ("sample summaries (after)", summaries)):
        print(f"{name:<26} {figures['seconds']:7.2f} s   peak memory while reading {figures['peak_mib']:7.1f} MiB")
    print(f"ratio after/before: time {summaries['seconds'] / whole['seconds']:.2f}x, "
          f"peak memory {summaries['peak_mib'] / whole['peak_mib']:.2f}x")
    same = whole["scores"] == summaries["scores"]
    print(f"same per-sample scores: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
