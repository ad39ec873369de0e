"""Reference solvers for checking the evaluator: the gold patches, and doing nothing."""

from __future__ import annotations

import time

from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox, store

from ._image import REPO_DIR
from ._samples import TIMING_KEY, task_of


@solver
def gold() -> Solver:
    """Each agent applies its feature's gold patch; solo applies the whole pull request (combined.patch)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        started = time.perf_counter()
        meta = state.metadata
        task = task_of(meta)
        i, j = meta["features"]
        if meta["setting"] == "solo":
            combined = task.combined_patch
            if combined is None:
                raise RuntimeError(f"{task.name} has no combined.patch for the solo gold solver")
            await _apply("agent1", combined, state.sample_id)
        else:
            await _apply("agent1", task.feature(i).gold_patch, state.sample_id)
            await _apply("agent2", task.feature(j).gold_patch, state.sample_id)
        state.output.completion = "applied the gold patch(es)"
        store().set(TIMING_KEY, {"agents": round(time.perf_counter() - started, 3)})
        return state

    return solve


@solver
def empty() -> Solver:
    """Change nothing (no feature's tests pass)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        state.output.completion = "no change"
        store().set(TIMING_KEY, {"agents": 0.0})
        return state

    return solve


async def _apply(agent: str, patch: str, sample_id: object) -> None:
    box = sandbox(agent)
    await box.write_file("/tmp/cooperbench-gold.patch", patch)
    for args in (["--ignore-whitespace"], ["--3way"]):
        if (await box.exec(["git", "apply", *args, "/tmp/cooperbench-gold.patch"], cwd=REPO_DIR)).success:
            return
    raise RuntimeError(f"the gold patch does not apply in {agent}'s checkout of {sample_id}")
