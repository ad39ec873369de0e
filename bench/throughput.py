"""Throughput, scale-out and memory of `harness eval`, against plain inspect, in one invocation.

Usage: python bench/throughput.py [--repeats 3] [--samples 1000] [--big] [--no-ray] [--only latency]

An outside plugin (`bench/throughput_plugin.py`: a task of N one-turn samples and a
fixed-latency model provider) is pip-installed into a scratch directory, and every figure is
taken from fresh processes (wall time, CPU time of the process and its workers, peak RSS):

1. harness / plain inspect wall at N samples on mockllm/model (median of `--repeats` pairs);
2. workers=2 / workers=1 at N samples (mockllm samples are CPU-bound), and whether the merged
   log equals the single-process one sample by sample and metric by metric;
3. latency-bound: 400 samples x 0.5 s at max_connections=200 (ideal: 2 waves x 0.5 s = 1 s) in
   one process and with workers; 2000 samples x 0.5 s (ideal 5 s) with `workers=auto` only, with
   nothing set (the harness's choice for a light run: docs/scale-out.md), and with inspect's
   defaults in one process; the figure is the samples' span (first start to last end); and
   the floor under them: the same 2000 samples on an instant model (inspect's CPU alone);
4. peak RSS at 1k and 10k samples (50k with --big), harness and plain inspect;
5. executor=ray (a local Ray instance, 2 CPUs) against workers=2.

Each row shows the target from issue 13 and PASS/FAIL. Wall times on a loaded machine are
noisy: the load average is printed, and CPU seconds are shown beside every wall time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import throughput_plugin  # noqa: E402

PLAIN = """\
import sys
import inspect_ai
from harness import install_offline_token_counting

install_offline_token_counting()  # as the harness does: mockllm would download a tiktoken file
from bench_throughput import throughput

n, model, log_dir = int(sys.argv[1]), sys.argv[2], sys.argv[3]
inspect_ai.eval(throughput(n=n), model=model, display="none", log_dir=log_dir)
"""


@dataclass(frozen=True)
class Measure:
    wall: float
    cpu: float
    rss_mib: float
    log_dir: Path


class Bench:
    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.site = throughput_plugin.install(scratch)
        self.plain_script = scratch / "plain.py"
        self.plain_script.write_text(PLAIN)
        self.env = {**os.environ, "PYTHONPATH": str(self.site), "HARNESS_PROGRESS_SECONDS": "100000"}
        self.count = 0

    def _run(self, command: list[str]) -> Measure:
        self.count += 1
        log_dir = self.scratch / f"logs-{self.count}"
        with tempfile.TemporaryFile() as output:  # a pipe nobody reads would block a chatty run
            started = time.perf_counter()
            process = subprocess.Popen(
                [*command, *([f"log_dir={log_dir}"] if "harness" in command else [str(log_dir)])],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=output,
            )
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - started
            output.seek(0)
            error = output.read().decode(errors="replace")
        if status != 0:
            raise SystemExit(f"bench run failed: {' '.join(command)}\n{error[-3000:]}")
        return Measure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, log_dir)

    def harness(self, n: int, *settings: str, model: str = "mockllm/model") -> Measure:
        return self._run(
            [
                sys.executable,
                "-m",
                "harness",
                "eval",
                "task=throughput",
                f"task.n={n}",
                f"model={model}",
                "display=none",
                *settings,
            ]
        )

    def plain(self, n: int, model: str = "mockllm/model") -> Measure:
        return self._run([sys.executable, str(self.plain_script), str(n), model])


def eval_seconds(log_dir: Path) -> float:
    """inspect's own start-to-end time of the run in `log_dir` (the merged log's, for workers); whole seconds."""
    from datetime import datetime

    from inspect_ai.log import read_eval_log

    (location,) = log_dir.glob("*/*.eval")
    stats = read_eval_log(str(location), header_only=True).stats
    return (datetime.fromisoformat(stats.completed_at) - datetime.fromisoformat(stats.started_at)).total_seconds()


def sample_span(log_dir: Path) -> float:
    """Seconds from the first sample's start to the last sample's end (microsecond stamps of each sample)."""
    from datetime import datetime

    from inspect_ai.log import read_eval_log_sample_summaries

    (location,) = log_dir.glob("*/*.eval")
    summaries = read_eval_log_sample_summaries(str(location))
    starts = [datetime.fromisoformat(s.started_at) for s in summaries if s.started_at]
    ends = [datetime.fromisoformat(s.completed_at) for s in summaries if s.completed_at]
    return (max(ends) - min(starts)).total_seconds()


def same_results(one: Path, other: Path) -> bool:
    """The two runs' logs hold the same sample scores and the same metrics."""
    from inspect_ai.log import read_eval_log

    logs = [read_eval_log(str(next(d.glob("*/*.eval")))) for d in (one, other)]
    scores = [{(s.id, s.epoch): {k: v.value for k, v in (s.scores or {}).items()} for s in log.samples} for log in logs]
    metrics = [
        {(sc.name, name): round(m.value, 12) for sc in log.results.scores for name, m in sc.metrics.items()}
        for log in logs
    ]
    return scores[0] == scores[1] and metrics[0] == metrics[1] and len(scores[0]) > 0


def median(values: list[float]) -> float:
    return statistics.median(values)


def row(figure: str, value: str, target: str, ok: bool | None, detail: str = "") -> None:
    verdict = "" if ok is None else ("PASS" if ok else "FAIL")
    print(f"{figure:<44} {value:>12}  {target:<22} {verdict:<5} {detail}", flush=True)


def overhead_and_workers(bench: Bench, n: int, repeats: int) -> tuple[list[Measure], list[Measure]]:
    """Rows 1-2: harness vs plain inspect in one process, and workers=2 vs workers=1."""
    harness_runs, plain_runs = [], []
    for _ in range(repeats):
        harness_runs.append(bench.harness(n, "workers=1"))  # one process: the harness's own overhead
        plain_runs.append(bench.plain(n))
    ratios = [h.wall / p.wall for h, p in zip(harness_runs, plain_runs, strict=True)]
    cpu_ratio = median([h.cpu for h in harness_runs]) / median([p.cpu for p in plain_runs])
    row(
        f"harness / plain inspect wall, {n} samples",
        f"{median(ratios):.3f}x",
        "<= 1.03x",
        median(ratios) <= 1.03,
        f"harness {median([h.wall for h in harness_runs]):.1f}s ({median([h.cpu for h in harness_runs]):.1f}), "
        f"plain {median([p.wall for p in plain_runs]):.1f}s ({median([p.cpu for p in plain_runs]):.1f}); "
        f"CPU ratio {cpu_ratio:.3f}x; pairs {', '.join(f'{r:.2f}' for r in ratios)}",
    )
    two_runs = [bench.harness(n, "workers=2") for _ in range(repeats)]
    speedup = median([h.wall for h in harness_runs]) / median([t.wall for t in two_runs])
    row(
        f"workers=2 vs workers=1 speed-up, {n} samples",
        f"{speedup:.2f}x",
        ">= 1.8x",
        speedup >= 1.8,
        f"workers=2 {median([t.wall for t in two_runs]):.1f}s ({median([t.cpu for t in two_runs]):.1f})",
    )
    exact = same_results(harness_runs[0].log_dir, two_runs[0].log_dir)
    row("merged log identical to one process", "yes" if exact else "no", "yes", exact)
    return harness_runs, two_runs


def latency_rows(bench: Bench, samples: int, repeats: int, rows: list[tuple[list[str], float]]) -> None:
    """Latency-bound runs (each model call 0.5 s, no CPU) at max_connections=200, against the ideal.

    The figure is the samples' span (first start to last end): inspect's run stamps have whole
    seconds only, and the process wall adds start-up; both are shown beside it.
    """
    ideal = _ideal(samples)
    for settings, target in rows:
        runs, seconds = _latency_runs(bench, samples, settings, repeats)
        label = " ".join(settings) or "defaults"
        row(
            f"latency {samples} x 0.5 s @200 / ideal {ideal:.0f}s ({label})",
            f"{seconds / ideal:.2f}x",
            f"<= {target:g}x",
            seconds <= target * ideal,
            f"samples {seconds:.2f}s, inspect's eval {median([eval_seconds(r.log_dir) for r in runs]):.0f}s, "
            f"process {median([r.wall for r in runs]):.1f}s ({median([r.cpu for r in runs]):.1f} CPU)",
        )


def _ideal(samples: int) -> float:
    """The span of `samples` 0.5 s calls at 200 connections: one 0.5 s wave per 200 samples."""
    return -(-samples // 200) * 0.5


def _latency_runs(bench: Bench, samples: int, settings: list[str], repeats: int) -> tuple[list[Measure], float]:
    """`repeats` runs on the fixed-latency model at max_connections=200, and their median sample span."""
    runs = [bench.harness(samples, "max_connections=200", *settings, model="fixedlatency/api") for _ in range(repeats)]
    return runs, median([sample_span(r.log_dir) for r in runs])


def floor_row(bench: Bench, samples: int, repeats: int) -> None:
    """The CPU floor under the latency rows: the same run with an instant model (latency 0).

    What is left is inspect's own CPU per sample spread over the workers; a latency-bound run
    cannot span less than this whatever the harness chooses, so a target below it is out of reach
    on this machine.
    """
    ideal = _ideal(samples)
    runs, seconds = _latency_runs(bench, samples, ["workers=auto", "model_args.latency=0"], repeats)
    row(
        f"floor {samples} x 0 s @200 / ideal {ideal:.0f}s (workers=auto)",
        f"{seconds / ideal:.2f}x",
        "(inspect's CPU)",
        None,
        f"samples {seconds:.2f}s: {seconds * (os.cpu_count() or 1) / samples * 1000:.1f} core-ms per sample; "
        f"process {median([r.wall for r in runs]):.1f}s ({median([r.cpu for r in runs]):.1f} CPU)",
    )


def memory_rows(bench: Bench, sizes: list[int]) -> None:
    """Peak RSS of one process at each size, harness and plain inspect."""
    harness_rss, plain_rss = {}, {}
    for size in sizes:
        harness_rss[size] = bench.harness(size, "workers=1").rss_mib
        plain_rss[size] = bench.plain(size).rss_mib
        row(
            f"peak RSS at {size} samples (harness)",
            f"{harness_rss[size]:.0f} MiB",
            "<= plain inspect",
            harness_rss[size] <= plain_rss[size] * 1.02,
            f"plain inspect {plain_rss[size]:.0f} MiB",
        )
    small, large = sizes[0], sizes[1]
    row(
        f"peak RSS {large} / {small} (harness)",
        f"{harness_rss[large] / harness_rss[small]:.2f}x",
        "<= 1.3x",
        harness_rss[large] / harness_rss[small] <= 1.3,
        f"plain inspect {plain_rss[large] / plain_rss[small]:.2f}x",
    )
    for extra in sizes[2:]:
        row(
            f"peak RSS {extra} / {small} (harness)",
            f"{harness_rss[extra] / harness_rss[small]:.2f}x",
            "(flat-ish)",
            None,
            f"plain inspect {plain_rss[extra] / plain_rss[small]:.2f}x",
        )


def ray_row(bench: Bench, n: int, repeats: int, one: list[Measure], two: list[Measure]) -> None:
    ray_runs = [bench.harness(n, "executor=ray", "workers=2", "ray.num_cpus=2") for _ in range(repeats)]
    ratio = median([r.wall for r in ray_runs]) / median([t.wall for t in two])
    row(
        "Ray local (2 CPUs) / workers=2 wall",
        f"{ratio:.2f}x",
        "within 15%",
        abs(ratio - 1) <= 0.15,
        f"ray {median([r.wall for r in ray_runs]):.1f}s; merged log identical: "
        f"{'yes' if same_results(one[0].log_dir, ray_runs[0].log_dir) else 'no'}",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (medians are shown)")
    parser.add_argument("--samples", type=int, default=1000, help="samples of the overhead and workers runs")
    parser.add_argument("--big", action="store_true", help="also measure peak RSS at 50k samples")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray row")
    parser.add_argument("--only", choices=("overhead", "latency", "memory"), help="one group of rows")
    parser.add_argument("--rss", default="1000,10000", help="sample counts of the peak-RSS rows (first two: the ratio)")
    args = parser.parse_args(argv)
    n, repeats = args.samples, args.repeats
    with tempfile.TemporaryDirectory(prefix="plugeval-throughput-") as scratch:
        bench = Bench(Path(scratch))
        print(
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {repeats} repeats; "
            "wall seconds (CPU seconds)\n",
            flush=True,
        )
        print(f"{'figure':<44} {'value':>12}  {'target':<22} {'':<5} detail")
        if args.only in (None, "overhead"):
            one, two = overhead_and_workers(bench, n, repeats)
            if not args.no_ray:
                ray_row(bench, n, repeats, one, two)
        if args.only in (None, "latency"):
            latency_rows(
                bench,
                400,
                repeats,
                [
                    (["workers=1"], 2.0),
                    (["workers=1", "log_realtime=false"], 2.0),
                    (["workers=2", "log_realtime=false", "max_samples=400"], 2.0),
                ],
            )
            # the harness's own choice for a light run (display=none is given by every bench run)
            latency_rows(
                bench,
                2000,
                repeats,
                [
                    (["workers=auto"], 3.0),
                    (["workers=auto", "log_realtime=false", "max_samples=400"], 2.0),  # docs/scale-out.md's settings
                    (["workers=1", "log_realtime=true", "max_samples=200"], 8.0),  # inspect's defaults
                ],
            )
            floor_row(bench, 2000, repeats)
        if args.only in (None, "memory"):
            memory_rows(bench, [int(size) for size in args.rss.split(",")] + ([50000] if args.big else []))
        print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
