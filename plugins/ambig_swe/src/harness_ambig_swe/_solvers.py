"""Reference solvers for sanity checks: the gold patch, and doing nothing."""

from __future__ import annotations

from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox

from ._prompts import REPO_DIR


@solver
def gold_patch() -> Solver:
    """Apply the instance's gold patch (resolves every valid instance)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        repo_dir = state.metadata.get("repo_dir", REPO_DIR)
        await sandbox().write_file("/tmp/ambig_swe_gold.patch", state.metadata["patch"])
        result = await sandbox().exec(["git", "-C", repo_dir, "apply", "/tmp/ambig_swe_gold.patch"])
        if not result.success:
            raise RuntimeError(f"gold patch did not apply to {state.sample_id}: {result.stderr}")
        state.output.completion = "applied the gold patch"
        return state

    return solve


@solver
def empty_patch() -> Solver:
    """Change nothing (resolves no instance)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        state.output.completion = "no change"
        return state

    return solve
