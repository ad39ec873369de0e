"""DECEPTICON episode cost: episodes per minute, and per-step latency split into browser / server / model.

Usage: python bench/decepticon.py [--tasks 24] [--concurrency 2] [--agent-samples 6] [--local]

(`bench/decepticon_concurrency.py` sweeps the concurrency and compares the machine's default with the best.)

1. The scripted careful policy on the first N shipped tasks (one per category in turn), both variants,
   one episode at a time and then `--concurrency` at a time: episodes per minute, steps per episode,
   seconds per step in the browser (Playwright actions, page loads, snapshots) and in the site server.
2. The default agent (`decepticon_agent`) through inspect with a scripted mockllm that reads and
   scrolls the page for six steps: per-step model / browser / server seconds from the scores.
   `--local` adds the same with local/smollm2-135m (the model's own per-step latency on this CPU).
3. Sizing: how long all shipped tasks x both variants x 10 epochs take at the measured browser and
   server cost, plus a model that needs S seconds per step.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time


def scripted(tasks: list, concurrency: int) -> dict:
    from harness_decepticon import run_policy

    runs = [(t, v) for t in tasks for v in ("treatment", "control")]
    started = time.perf_counter()
    outcomes = run_policy(runs, "careful", concurrency=concurrency)
    elapsed = time.perf_counter() - started
    steps = sum(o["steps"] for o in outcomes)
    return {
        "episodes": len(outcomes),
        "per_minute": len(outcomes) / elapsed * 60,
        "steps_per_episode": steps / len(outcomes),
        "browser_per_step": sum(o["browser_seconds"] for o in outcomes) / steps,
        "server_per_step": sum(o["server_seconds"] for o in outcomes) / steps,
        "episode_seconds": elapsed / len(outcomes) * concurrency,
    }


def agent(model, samples: int) -> dict:
    from inspect_ai import eval as inspect_eval

    from harness import install_offline_token_counting
    from harness_decepticon import decepticon

    install_offline_token_counting()
    task = decepticon(variant="treatment", per_category=False, screenshots=False)
    started = time.perf_counter()
    log = inspect_eval(task, model=model, limit=samples, display="none", log_dir=tempfile.mkdtemp(), max_samples=1)[0]
    elapsed = time.perf_counter() - started
    scores = [s.scores["decepticon_outcome"] for s in log.samples or [] if s.scores]
    steps = sum(s.value["steps"] for s in scores) or 1
    return {
        "samples": len(scores),
        "seconds_per_sample": elapsed / max(1, len(scores)),
        "model_per_step": sum(s.metadata["model_seconds"] for s in scores) / steps,
        "browser_per_step": sum(s.metadata["browser_seconds"] for s in scores) / steps,
        "server_per_step": sum(s.metadata["server_seconds"] for s in scores) / steps,
        "steps": steps / max(1, len(scores)),
    }


def reading_model(samples: int):
    """mockllm that reads and scrolls for six steps, then says it is done (valid on every page)."""
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    calls = [("snapshot", {}), ("scroll", {"direction": "down"}), ("scroll", {"direction": "up"})] * 2
    outputs = []
    for _ in range(samples):
        for name, arguments in [*calls, ("done", {"summary": "read the page"})]:
            output = ModelOutput.for_tool_call("mockllm/model", name, arguments)
            output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
            outputs.append(output)
    return get_model("mockllm/model", custom_outputs=outputs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=24)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--agent-samples", type=int, default=6)
    parser.add_argument("--local", action="store_true", help="also time local/smollm2-135m as the agent")
    args = parser.parse_args()

    from harness_decepticon import browser_service, interleave, load_tasks

    shipped = load_tasks()
    tasks = interleave(shipped)[: args.tasks]
    service = browser_service()
    started = time.perf_counter()
    service.call(service.browser)
    load = os.getloadavg()[0]
    print(f"Chromium start: {time.perf_counter() - started:.2f} s (load average {load:.1f} on {os.cpu_count()} CPUs)")

    print(f"\nScripted careful policy, {len(tasks)} tasks x 2 variants:")
    results = []
    for concurrency in sorted({1, args.concurrency}):
        r = scripted(tasks, concurrency)
        results.append((r, concurrency))
        print(
            f"  concurrency {concurrency}: {r['per_minute']:.0f} episodes/min, "
            f"{r['steps_per_episode']:.1f} steps/episode, "
            f"per step: browser {r['browser_per_step'] * 1000:.0f} ms, server {r['server_per_step'] * 1000:.1f} ms"
        )
    best, best_concurrency = max(results, key=lambda pair: pair[0]["per_minute"])

    print(f"\nAgent loop (decepticon_agent through inspect), {args.agent_samples} samples:")
    models = [("mockllm (scripted, reads and scrolls)", reading_model(args.agent_samples))]
    if args.local:
        models.append(("local/smollm2-135m", "local/smollm2-135m"))
    for label, model in models:
        a = agent(model, args.agent_samples)
        print(
            f"  {label}: {a['seconds_per_sample']:.2f} s/sample, {a['steps']:.1f} steps; per step: model "
            f"{a['model_per_step'] * 1000:.0f} ms, browser {a['browser_per_step'] * 1000:.0f} ms, "
            f"server {a['server_per_step'] * 1000:.1f} ms"
        )

    episodes = len(shipped) * 2 * 10
    print(f"\nSizing all {len(shipped)} tasks x 2 variants x 10 epochs = {episodes} episodes:")
    browser_minutes = episodes / best["per_minute"]
    print(f"  browser + server only (scripted, concurrency {best_concurrency}): {browser_minutes:.0f} min")
    steps = 12  # a model agent typically uses more steps than the scripted policy
    for model_seconds in (1.0, 3.0):
        model_hours = episodes * steps * model_seconds / 3600
        print(
            f"  + a model at {model_seconds:.0f} s/step, {steps} steps/episode: {model_hours:.1f} h sequential, "
            f"{model_hours / 8:.1f} h with max_samples=8 (plus the browser side above)"
        )
    service.close()


if __name__ == "__main__":
    main()
