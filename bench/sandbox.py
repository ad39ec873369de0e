"""Sandbox start-up cost: warm pool vs a cold `docker run --rm` per sample; and local model tokens/s.

Usage: python bench/sandbox.py [--samples 50] [--image plugeval/base:bookworm] [--no-model]

Per sample, the pooled path is what an inspect sample pays: sample_init (acquire a warm container)
→ exec(["true"]) → sample_cleanup (the reuse check, container back to the pool); the release alone
is reported too. The baseline starts
a fresh container per sample with the docker CLI, as a per-sample `docker run` would. A second
pooled figure has every sample write a file, so each container is discarded and replaced in the
background (with a 1 s pause between samples standing in for the agent's work).
Target: pooled median ≤ 0.3x cold median.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time

TARGET_RATIO = 0.3


async def pooled_times(
    samples: int, image: str, dirty: bool = False, pause: float = 0.0
) -> tuple[list[float], list[float]]:
    """Per sample: acquire → exec → release seconds, and the release alone (the reuse check)."""
    from harness.sandbox import DockerSandboxConfig, HarnessDockerSandbox
    from harness.sandbox import close_sandbox_pools as close_pools

    config = DockerSandboxConfig(image=image)
    await HarnessDockerSandbox.task_init("bench", config)
    await asyncio.sleep(3)  # let the pool warm up, as it does while a task loads its dataset
    times, releases = [], []
    for _ in range(samples):
        started = time.perf_counter()
        environments = await HarnessDockerSandbox.sample_init("bench", config, {})
        result = await environments["default"].exec(["touch", "/tmp/used"] if dirty else ["true"])
        releasing = time.perf_counter()
        await HarnessDockerSandbox.sample_cleanup("bench", config, environments, False)
        times.append(time.perf_counter() - started)
        releases.append(time.perf_counter() - releasing)
        assert result.success, result
        await asyncio.sleep(pause)  # an agent's sample lasts seconds; the pool refills meanwhile
    close_pools()
    return times, releases


def cold_times(samples: int, image: str) -> list[float]:
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        subprocess.run(["docker", "run", "--rm", "--network", "none", image, "true"], check=True)
        times.append(time.perf_counter() - started)
    return times


def model_tokens_per_second(model: str, max_tokens: int = 64) -> str:
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return "skipped (llama-cpp-python not installed: pip install 'plugeval[local]')"
    from harness import load_local_model

    llama = load_local_model(model)
    messages = [{"role": "user", "content": "Write a short story about a robot who learns to paint."}]
    llama.create_chat_completion(messages=messages, max_tokens=8, seed=0)  # warm-up
    started = time.perf_counter()
    response = llama.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=0.7, seed=0)
    seconds = time.perf_counter() - started
    tokens = response["usage"]["completion_tokens"]
    return f"{tokens / seconds:.1f} tokens/s ({tokens} tokens in {seconds:.2f}s, local/{model}, generation only)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--image", default="plugeval/base:bookworm")
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--no-model", action="store_true")
    args = parser.parse_args()

    pooled, releases = asyncio.run(pooled_times(args.samples, args.image))
    dirty, _ = asyncio.run(pooled_times(args.samples, args.image, dirty=True, pause=1.0))
    cold = cold_times(args.samples, args.image)
    pooled_median, cold_median = statistics.median(pooled), statistics.median(cold)
    ratio = pooled_median / cold_median
    print(f"samples: {args.samples}  image: {args.image}")
    print(f"pooled acquire→exec→release  median {pooled_median * 1000:8.1f} ms  (p90 {_p90(pooled) * 1000:.1f} ms)")
    print(
        f"  of which release             median {statistics.median(releases) * 1000:8.1f} ms  "
        "(the reuse check: writable layer, processes, /dev, SysV IPC, /etc files)"
    )
    print(f"cold docker run --rm         median {cold_median * 1000:8.1f} ms  (p90 {_p90(cold) * 1000:.1f} ms)")
    print(
        f"pooled, sample writes a file median {statistics.median(dirty) * 1000:8.1f} ms  "
        f"(p90 {_p90(dirty) * 1000:.1f} ms; "
        f"container discarded, refilled in the background during a 1 s pause; "
        f"ratio {statistics.median(dirty) / cold_median:.3f}x)"
    )
    verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
    print(f"ratio pooled/cold: {ratio:.3f}x  (target ≤ {TARGET_RATIO}x)  {verdict}")
    if not args.no_model:
        print(f"local model: {model_tokens_per_second(args.model)}")
    return 0 if ratio <= TARGET_RATIO else 1


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


if __name__ == "__main__":
    sys.exit(main())
