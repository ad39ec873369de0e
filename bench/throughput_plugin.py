"""The outside plugin `bench/throughput.py` measures with, written and pip-installed into a scratch dir.

`plugeval-bench-throughput` (import `bench_throughput`) registers, the way any third-party
package would:
- the harness task `throughput`: `n` one-turn samples (`Sample(id=i)`, target "mockllm");
  `fail_every=K` makes every K-th sample raise, `cpu_ms=X` burns X ms of CPU per sample;
- the inspect model provider `fixedlatency/NAME`: every call sleeps `latency` seconds
  (model_args.latency, default 0.5) and uses no CPU, like a remote API under no load.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

DIST = "plugeval-bench-throughput"

MODULES = {
    "bench_throughput/__init__.py": '''
        """Throughput bench: N one-turn samples on any model."""

        import time

        from inspect_ai import Task
        from inspect_ai.dataset import Sample
        from inspect_ai.scorer import includes
        from inspect_ai.solver import generate, solver


        @solver
        def maybe_fail(fail_every: int, cpu_ms: float):
            async def solve(state, generate_):
                if cpu_ms:
                    end = time.process_time() + cpu_ms / 1000
                    while time.process_time() < end:
                        pass
                if fail_every and int(state.sample_id) % fail_every == 0:
                    raise RuntimeError(f"sample {state.sample_id} fails on purpose")
                return await generate_(state)

            return solve


        def throughput(n: int = 1000, fail_every: int = 0, cpu_ms: float = 0.0):
            """N one-turn samples; every fail_every-th sample raises; cpu_ms of CPU per sample."""
            return Task(
                name="throughput",
                dataset=[Sample(id=i, input=f"What is {i} plus zero?", target="mockllm") for i in range(1, n + 1)],
                solver=[maybe_fail(fail_every, cpu_ms), generate()],
                scorer=includes(),
            )
    ''',
    "bench_throughput/_providers.py": """
        from inspect_ai.model import modelapi


        @modelapi(name="fixedlatency")
        def fixedlatency():
            from bench_throughput._latency import FixedLatency

            return FixedLatency
    """,
    "bench_throughput/_latency.py": '''
        import asyncio

        from inspect_ai.model import GenerateConfig, ModelAPI, ModelOutput, ModelUsage


        class FixedLatency(ModelAPI):
            """Every call takes `latency` seconds of waiting and no CPU, and answers "mockllm"."""

            def __init__(self, model_name, base_url=None, api_key=None, config=GenerateConfig(), latency=0.5, **_):
                super().__init__(model_name, base_url, api_key, [], config)
                self.latency = float(latency)

            def max_connections(self):
                return 200

            async def generate(self, input, tools, tool_choice, config):
                await asyncio.sleep(self.latency)
                output = ModelOutput.from_content(model=self.model_name, content="mockllm says hi")
                output.usage = ModelUsage(input_tokens=10, output_tokens=3, total_tokens=13)
                return output
    ''',
}

PYPROJECT = f"""\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{DIST}"
version = "1.0.0"
description = "plugeval throughput bench: a task of N one-turn samples and a fixed-latency model provider"

[tool.setuptools]
packages = ["bench_throughput"]

[project.entry-points."harness.tasks"]
throughput = "bench_throughput:throughput"

[project.entry-points.inspect_ai]
bench_throughput = "bench_throughput._providers"
"""


def install(scratch: Path) -> Path:
    """Write the plugin's sources under `scratch/src` and pip-install them into `scratch/site`."""
    source = scratch / "src" / DIST
    for path, text in MODULES.items():
        target = source / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip())
    (source / "pyproject.toml").write_text(PYPROJECT)
    site = scratch / "site"
    site.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site),
            str(source),
        ],
        check=True,
    )
    return site
