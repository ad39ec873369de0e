"""CooperBench's evaluator: filter, merge, and run both features' tests on the merged code.

coop: each agent's diff loses its test files; the two are merged (clean, union, or failed); each
feature's tests run on the merged code in a fresh container. solo: the single patch is tested against
both features, no merge. A pair succeeds when both features pass.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ._concurrency import eval_slot
from ._containers import Container
from ._dataset import TaskSpec
from ._merge import MergeResult, merge_patches
from ._patches import drop_test_files
from ._testrun import FeatureRun, not_run, run_feature_tests


@dataclass(frozen=True)
class PairEvaluation:
    """One pair's grading: the merge (None in solo) and each feature's test run."""

    merge: MergeResult | None
    feature1: FeatureRun
    feature2: FeatureRun
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall time of the merge and of the (concurrent) test runs."""

    @property
    def both_passed(self) -> bool:
        """Pair success: both features' tests pass on the (merged) code."""
        return self.feature1.passed and self.feature2.passed


def merge_in_container(image: str, patch1: str, patch2: str) -> MergeResult:
    """Merge two (already filtered) patches in a fresh container from the task image."""
    with eval_slot(), Container(image) as container:
        return merge_patches(container, patch1, patch2, "/patches")


def evaluate_coop(
    image: str, task: TaskSpec, i: int, j: int, patch1: str, patch2: str, timeout: int = 900
) -> PairEvaluation:
    """Grade two agents' patches for features i (agent 1) and j (agent 2) of `task`."""
    started = time.perf_counter()
    merged = merge_in_container(image, drop_test_files(patch1), drop_test_files(patch2))
    seconds = {"merge": round(time.perf_counter() - started, 3)}
    if merged.outcome == "failed":
        reason = "the two patches could not be merged, even as a union"
        return PairEvaluation(merged, not_run(i, reason), not_run(j, reason), {**seconds, "tests": 0.0})
    started = time.perf_counter()
    first, second = _both(image, task, i, j, merged.diff, timeout)
    return PairEvaluation(merged, first, second, {**seconds, "tests": round(time.perf_counter() - started, 3)})


def evaluate_solo(image: str, task: TaskSpec, i: int, j: int, patch: str, timeout: int = 900) -> PairEvaluation:
    """Grade one agent's patch against both features' tests."""
    started = time.perf_counter()
    first, second = _both(image, task, i, j, drop_test_files(patch), timeout)
    return PairEvaluation(None, first, second, {"merge": 0.0, "tests": round(time.perf_counter() - started, 3)})


def _both(image: str, task: TaskSpec, i: int, j: int, code: str, timeout: int) -> tuple[FeatureRun, FeatureRun]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = [pool.submit(run_feature_tests, image, n, task.feature(n).tests_patch, code, timeout) for n in (i, j)]
        return runs[0].result(), runs[1].result()
