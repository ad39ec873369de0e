"""Benchmark: `harness list` with 200 installed plugin distributions.

Writes 200 plugin distributions into a scratch site directory exactly as
`pip install --target` lays them out (a package plus a `*.dist-info` with
METADATA, entry_points.txt and RECORD), puts it on PYTHONPATH, and times, in
the same run:

- `harness list`             (the measured command; its first run fills the
                               summary cache, later runs read it)
- `harness --version`        (baseline: the CLI's start-up cost)
- `python -c "import inspect_ai"` (what listing would cost if it imported the engine)

Target: `harness list` within 1.5x of `harness --version`, importing no plugin module.

Usage: python bench/discovery.py [--plugins 200] [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KINDS = ["tasks", "solvers", "scorers", "simulators"]


def write_distributions(site: Path, count: int) -> None:
    for index in range(count):
        dist = f"bench_plugin_{index:03d}"
        kind = KINDS[index % len(KINDS)]
        package = site / dist
        package.mkdir()
        (package / "__init__.py").write_text(
            f'"""Bench plugin {index}."""\n\nimport sys\nsys.stderr.write("IMPORTED {dist}\\n")\n\n\n'
            f'def factory(size: int = 1):\n    """Benchmark {kind[:-1]} number {index}."""\n    return None\n'
        )
        info = site / f"{dist}-1.{index}.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.{index}.0\nSummary: Benchmark plugin {index}\n"
        )
        (info / "entry_points.txt").write_text(f"[harness.{kind}]\nbench_{kind[:-1]}_{index:03d} = {dist}:factory\n")
        (info / "RECORD").write_text(f"{dist}/__init__.py,,\n")
        (info / "INSTALLER").write_text("bench\n")


def median_seconds(command: list[str], env: dict[str, str], repeat: int) -> tuple[float, str]:
    times, output = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {result.stderr}")
        output = result.stdout + result.stderr
    return statistics.median(times), output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plugins", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    harness = [str(Path(sys.executable).with_name("harness"))]
    if not Path(harness[0]).exists():
        harness = [sys.executable, "-m", "harness"]
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch)
        write_distributions(site, args.plugins)
        cache = site / "harness-cache"
        env = {**os.environ, "PYTHONPATH": str(site), "HARNESS_CACHE_DIR": str(cache)}
        env.pop("HARNESS_DISABLE_PLUGINS", None)
        median_seconds(harness + ["--version"], env, 1)  # warm the file-system cache
        cold, _ = median_seconds(harness + ["list"], env, 1)  # parses every plugin's source for its summary

        version, _ = median_seconds(harness + ["--version"], env, args.repeat)
        listing, output = median_seconds(harness + ["list"], env, args.repeat)
        engine, _ = median_seconds([sys.executable, "-c", "import inspect_ai"], env, max(3, args.repeat // 3))

    listed = sum(1 for line in output.splitlines() if line.strip().startswith("bench_"))
    imported = sum(1 for line in output.splitlines() if line.startswith("IMPORTED "))
    ratio = listing / version
    print(f"plugin distributions:          {args.plugins} (listed {listed}, imported {imported})")
    print(f"harness --version              {version * 1000:8.1f} ms (median of {args.repeat})")
    print(f"harness list, first run        {cold * 1000:8.1f} ms (summary cache empty)")
    print(f"harness list                   {listing * 1000:8.1f} ms (median of {args.repeat}, summaries cached)")
    print(f"python -c 'import inspect_ai'  {engine * 1000:8.1f} ms")
    print(f"ratio list / --version         {ratio:8.2f}x  (target <= 1.5x)")
    print(f"ratio list / import inspect_ai {listing / engine:8.2f}x")
    ok = ratio <= 1.5 and imported == 0 and listed == args.plugins
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
