"""Samples: one per feature pair, with its sandbox (one container per agent) and what solvers need."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from inspect_ai.dataset import Sample
from inspect_ai.util import SandboxEnvironmentSpec

from harness import DockerSandboxConfig

from ._dataset import Dataset, TaskSpec, load_dataset
from ._image import REPO_DIR
from ._prompts import feature_prompt
from ._selection import Pair

AGENT_ENVIRONMENTS = ("agent1", "agent2")
TIMING_KEY = "cooperbench:seconds"
"""Store key where solvers record how long the agents took (`{"agents": seconds}`)."""


@lru_cache(maxsize=8)
def _dataset(root: str) -> Dataset:
    return load_dataset(root)


def task_of(metadata: dict[str, Any]) -> TaskSpec:
    """The task a sample belongs to (the dataset is read once per process)."""
    return _dataset(metadata["dataset"]).tasks[metadata["task"]]


def pair_sample(
    pair: Pair,
    image: str,
    setting: str,
    git: bool,
    dataset_root: str,
    memory: str = "2g",
    cpus: float = 1.0,
    pool_size: int = 2,
) -> Sample:
    """The sample of one pair: its id, the feature texts, and a container per agent from the task image."""
    descriptions = [pair.task.feature(pair.i).description, pair.task.feature(pair.j).description]
    config = DockerSandboxConfig(
        image=image,
        environments=("agent1",) if setting == "solo" else AGENT_ENVIRONMENTS,
        workdir=REPO_DIR,
        memory=memory,
        cpus=cpus,
        pool_size=pool_size,
    )
    return Sample(
        id=pair.id,
        input=feature_prompt(descriptions),
        target="both features' tests pass on the merged code",
        sandbox=SandboxEnvironmentSpec("harness-docker", config),
        metadata={
            "task": pair.task.name,
            "repo": pair.task.github,
            "repo_dir": pair.task.repo_dir,
            "base_commit": pair.task.base_commit,
            "features": [pair.i, pair.j],
            "setting": setting,
            "git": git,
            "image": image,
            "dataset": dataset_root,
            "descriptions": descriptions,
        },
    )
