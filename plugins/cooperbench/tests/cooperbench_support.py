"""Helpers for the CooperBench plugin tests (a plain module, so no second `conftest` shadows the core's)."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.testing import require_docker as require_docker  # the one check, re-exported for these tests
from harness.testing import run_harness as harness_command

HERE = Path(__file__).resolve().parent
LAYOUT = HERE / "data" / "full_layout.json"
SHIPPED_TASKS = ("pallets_click_task/task2068", "pallets_jinja_task/task1465", "samuelcolvin_dirty_equals_task/task43")


def full_layout(root: Path) -> Path:
    """The whole released dataset's directory tree (30 tasks, 199 features, 652 pairs) under `root`.

    The three shipped tasks are real copies; the other 27 get stub files with their real Dockerfile
    facts (FROM image, repository, base commit) from tests/data/full_layout.json.
    """
    from harness_cooperbench import shipped_dataset

    shipped = shipped_dataset()
    shutil.copytree(shipped / "subsets", root / "subsets")
    shutil.copy(shipped / "gold_conflict_report.json", root)
    for task in json.loads(LAYOUT.read_text())["tasks"]:
        name = f"{task['repo_dir']}/task{task['task_id']}"
        target = root / name
        if name in SHIPPED_TASKS:
            shutil.copytree(shipped / name, target)
            continue
        target.mkdir(parents=True)
        (target / "Dockerfile").write_text(
            f"FROM {task['from_image']}\nRUN git clone https://github.com/{task['github']}.git repo && "
            f"cd repo && git checkout {task['base_commit']}\n"
        )
        (target / "runner.sh").write_text("#!/bin/bash\nexit 1\n")
        for number in task["features"]:
            feature = target / f"feature{number}"
            feature.mkdir()
            for file in ("feature.md", "feature.patch", "tests.patch"):
                (feature / file).write_text("stub\n")
    return root


def shipped_images() -> dict[str, str]:
    """Task name → image tag of the three shipped tasks (built once per content hash, then reused)."""
    from harness_cooperbench import load_dataset, resolve_sources, shipped_dataset
    from harness_cooperbench._image import ensure_task_image

    dataset = load_dataset(shipped_dataset())
    tasks = list(dataset.tasks.values())
    resolved = resolve_sources(tasks, None, {t.github for t in tasks})
    return {name: ensure_task_image(dataset.tasks[name], path) for name, path in resolved.repositories.items()}


def scripted(scripts: dict[str, list[Any]], seen: dict[str, list[list[Any]]] | None = None) -> Callable[..., Any]:
    """mockllm custom_outputs: each agent (named in its system prompt) gets its own script, in order.

    Agents run concurrently, so one shared list of outputs would be consumed in a racy order; this
    answers by agent and by how many replies that agent has had. `seen` collects each agent's inputs.
    """
    from inspect_ai.model import ModelOutput

    def respond(messages: list[Any], tools: Any, tool_choice: Any, config: Any) -> Any:
        system = next((m.text for m in messages if m.role == "system"), "")
        agent = next((name for name in scripts if f"You are {name}" in system), "solo")
        turn = sum(1 for m in messages if m.role == "assistant")
        if seen is not None:
            seen.setdefault(agent, []).append(list(messages))
        steps = scripts.get(agent, [])
        if turn < len(steps):
            return steps[turn]
        return ModelOutput.for_tool_call("mockllm/model", "submit", {"answer": "done"})

    return respond


def call(name: str, **arguments: Any) -> Any:
    """A scripted tool call."""
    from inspect_ai.model import ModelOutput

    return ModelOutput.for_tool_call("mockllm/model", name, arguments)


_scratch: list[str] = []


@atexit.register
def _remove_scratch() -> None:
    for path in _scratch:
        shutil.rmtree(path, ignore_errors=True)


def _scratch_dir() -> str:
    """A temporary log directory, removed when the test process ends."""
    import tempfile

    _scratch.append(tempfile.mkdtemp(prefix="cooperbench-test-logs-"))
    return _scratch[-1]


def run_eval_with(overrides: dict[str, str], custom_outputs: Any = None) -> Any:
    """`harness eval` in this process through the public API; mockllm scripted by `custom_outputs`.

    Logs go to a fresh temporary directory unless `log_dir` is given.
    """
    from harness import load_run_config, run_eval

    log_dir = overrides.get("log_dir") or _scratch_dir()
    config = load_run_config({"model": "mockllm/model", **overrides, "log_dir": log_dir})
    if custom_outputs is not None:
        config.args["model"] = {"custom_outputs": custom_outputs}
    return run_eval(config)


def harness_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: int = 900
) -> subprocess.CompletedProcess[str]:
    """The real `harness` command in a process of its own (mockllm unless a model is given)."""
    environment = {**os.environ, "HARNESS_MODEL": "mockllm/model", **(env or {})}
    return harness_command(*args, cwd=cwd, env=environment, timeout=timeout)


def eval_samples(outcome: Any) -> list[Any]:
    """The samples of a run's inspect log."""
    from inspect_ai.log import read_eval_log

    return list(read_eval_log(outcome.record["inspect_log"]).samples or [])


def metric(outcome: Any, name: str) -> dict[str, Any]:
    """The results record's `mean` entry for a score key."""
    return next(m for m in outcome.record["metrics"] if m["scorer"] == name and m["name"] == "mean")
