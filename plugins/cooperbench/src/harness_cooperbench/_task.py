"""The `cooperbench` task: pairs → sources → one image per task → samples with two containers each."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Literal

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset

from harness import ConfigError

from ._agents import cooperbench_agents
from ._concurrency import set_eval_concurrency
from ._parameters import check_parameters
from ._dataset import TaskSpec, shipped_dataset
from ._dataset import load_dataset as read_dataset
from ._image import BuildFailed, ensure_task_image
from ._samples import pair_sample
from ._scorer import merged_tests
from ._selection import select_pairs
from ._sources import resolve_sources


@task
def cooperbench(
    dataset: str | None = None,
    subset: str = "all",
    tasks: list[str] | None = None,
    pairs: list[str] | None = None,
    repos: dict[str, str] | None = None,
    setting: Literal["coop", "coop_nomsg", "solo"] = "coop",
    git: bool = False,
    model2: str | None = None,
    message_limit: int = 60,
    max_wait: int = 120,
    test_timeout: int = 900,
    memory: str = "2g",
    pool_size: int = 2,
    eval_concurrency: int | None = None,
) -> Task:
    """CooperBench: two agents implement two features of one repository; both features' tests must pass after the merge.

    Args:
        dataset: A CooperBench dataset/ directory (default: the 3 shipped Python tasks, 147 pairs).
        subset: all (every pair), flash, lite, or a subset .json path.
        tasks: Only these tasks, e.g. ["pallets_click_task/2068"].
        pairs: Only these pairs, e.g. ["pallets_click_task/2068/f1_f3"].
        repos: Local sources by upstream repo ({"pallets/click": PATH}): a clone, bare repo or .tar.gz.
        setting: coop (two agents with messaging), coop_nomsg (two, silent), solo (one agent, both features).
        git: Give the two agents a shared git remote (git_push/git_pull, relayed through the host).
        model2: Model of agent 2 (mixed teams); default: the run's model drives both.
        message_limit: Messages per agent before it is stopped.
        max_wait: Longest wait for a reply in send_message, in seconds.
        test_timeout: Seconds one feature's test run may take.
        memory: Memory limit of each agent's container (docker syntax: 512m, 2g).
        pool_size: Agent containers kept started and waiting per task image (0: start each on demand).
        eval_concurrency: Evaluation containers (merges, test runs) at once; default: min(cores, GiB of free memory).
    """
    check_parameters(setting, git, message_limit, max_wait, test_timeout, memory, pool_size, eval_concurrency)
    set_eval_concurrency(eval_concurrency)
    loaded = read_dataset(dataset or shipped_dataset())
    selection = select_pairs(loaded, subset, tasks, pairs)
    per_task = Counter(p.task.name for p in selection.pairs)
    needed = [loaded.tasks[name] for name in per_task]
    resolved = resolve_sources(needed, repos, {t.github for t in loaded.tasks.values()})
    skipped = list(selection.absent) + [_with_count(line, per_task) for line in resolved.missing]
    images = _build_images(needed, resolved.repositories, per_task, skipped)
    for line in skipped:
        _log(f"cooperbench: skipped {line}")
    runnable = [p for p in selection.pairs if p.task.name in images]
    if not runnable:
        raise ConfigError("cooperbench: no pair can run: " + " | ".join(skipped))
    _log(f"cooperbench: {len(runnable)} pairs of {len(images)} tasks ({setting}); {len(skipped)} tasks skipped")
    root = str(loaded.root)
    samples = [pair_sample(p, images[p.task.name], setting, git, root, memory, pool_size=pool_size) for p in runnable]
    return Task(
        dataset=MemoryDataset(samples, name=f"cooperbench:{subset}"),
        solver=cooperbench_agents(model2=model2, message_limit=message_limit, max_wait=max_wait),
        scorer=merged_tests(test_timeout=test_timeout),
        metadata={"setting": setting, "git": git, "subset": subset, "dataset": root, "skipped": skipped},
    )


def _build_images(
    needed: list[TaskSpec], sources: dict[str, Path], per_task: Counter[str], skipped: list[str]
) -> dict[str, str]:
    """Each task's image by task name; a task that cannot be built is added to `skipped` with the reason."""
    images: dict[str, str] = {}
    for spec in needed:
        if spec.name in sources:
            try:
                images[spec.name] = ensure_task_image(spec, sources[spec.name], _log)
            except BuildFailed as ex:
                skipped.append(_with_count(f"{ex.task}: image not built: {ex.reason}", per_task))
    return images


def _with_count(line: str, per_task: Counter[str]) -> str:
    """`<task>: reason` with the number of pairs the task loses."""
    return f"{line} [{per_task.get(line.split(':', 1)[0], 0)} pairs]"


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
