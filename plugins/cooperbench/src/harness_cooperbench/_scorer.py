"""The CooperBench scorer: each agent's diff, the merge, both features' tests; pair success.

Score keys (each averaged with a 95% CI in the results record):
- `both_passed`: both features pass on the merged code (solo: on the one patch): pair success rate;
- `feature1_passed`, `feature2_passed`, `features_passed` (0, 0.5, 1): per-feature pass rate;
- `conflict`: the plain merge conflicted (conflict rate); `union_merge`: resolved only by the union
  retry; `merge_failed`: not even the union merge worked (all 0 in solo, where nothing is merged);
- `messages`, `message_chars`: messages sent between the agents in the pair, and their total length.

Metadata: the merge, each feature's test counts, failing test ids and output tail, and `flaky`: the
ids of tests that failed and then passed when run alone (they do not fail their feature).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import anyio
from inspect_ai.scorer import Score, Scorer, Target, mean, scorer, stderr
from inspect_ai.solver import TaskState
from inspect_ai.util import sandbox

from ._evaluate import PairEvaluation, evaluate_coop, evaluate_solo
from ._image import REPO_DIR
from ._messaging import STORE_KEY
from ._samples import TIMING_KEY, task_of
from ._testrun import FeatureRun

KEYS = (
    "both_passed",
    "feature1_passed",
    "feature2_passed",
    "features_passed",
    "conflict",
    "union_merge",
    "merge_failed",
    "messages",
    "message_chars",
)

# the working tree (tracked and untracked, ignored files aside) against the base commit, through a
# scratch index so the agent's own index is left alone
_DIFF_SCRIPT = (
    'set -e; cd "$1"; export GIT_INDEX_FILE=/tmp/cooperbench-score.index; '
    'cp "$(git rev-parse --git-dir)/index" "$GIT_INDEX_FILE" 2>/dev/null || rm -f "$GIT_INDEX_FILE"; '
    'git add -A; git diff --cached --binary "$2"'
)


@scorer(metrics={key: [mean(), stderr()] for key in KEYS})
def merged_tests(test_timeout: int = 900) -> Scorer:
    """Merge the agents' patches like CooperBench and run both features' tests in fresh containers.

    Args:
        test_timeout: Seconds one feature's test run may take.
    """

    async def score(state: TaskState, target: Target) -> Score:
        meta = state.metadata
        task = task_of(meta)
        i, j = meta["features"]
        base = meta["base_commit"]
        if meta["setting"] == "solo":
            patches = [await agent_diff("agent1", base)]
            run = partial(evaluate_solo, meta["image"], task, i, j, patches[0], test_timeout)
        else:
            patches = [await agent_diff("agent1", base), await agent_diff("agent2", base)]
            run = partial(evaluate_coop, meta["image"], task, i, j, patches[0], patches[1], test_timeout)
        # on cancellation (Ctrl-C, a time limit) do not wait for the test runs: their containers are
        # removed at exit
        evaluation: PairEvaluation = await anyio.to_thread.run_sync(run, abandon_on_cancel=True)
        messages = state.store.get(STORE_KEY) or []
        details = _details(evaluation, patches, messages)
        details["seconds"] = {**(state.store.get(TIMING_KEY) or {}), **evaluation.seconds}
        # tests that failed, then passed alone: the record counts the sample as flaky (key `flaky`)
        details["flaky"] = sorted({t for run in (evaluation.feature1, evaluation.feature2) for t in run.flaky})
        return Score(
            value=_values(evaluation, messages),
            answer="\n".join(patches),
            explanation=_explanation(evaluation),
            metadata=details,
        )

    return score


async def agent_diff(agent: str, base_commit: str) -> str:
    """The agent's changes against the base commit, new files included; empty when there is no repository."""
    result = await sandbox(agent).exec(["sh", "-c", _DIFF_SCRIPT, "sh", REPO_DIR, base_commit], timeout=120)
    return result.stdout if result.success else ""


def _values(evaluation: PairEvaluation, messages: list[dict[str, Any]]) -> dict[str, float]:
    merge = evaluation.merge
    outcome = merge.outcome if merge else None
    first, second = evaluation.feature1.passed, evaluation.feature2.passed
    return {
        "both_passed": float(evaluation.both_passed),
        "feature1_passed": float(first),
        "feature2_passed": float(second),
        "features_passed": (first + second) / 2,
        "conflict": float(merge is not None and merge.conflict),
        "union_merge": float(outcome == "union"),
        "merge_failed": float(outcome == "failed"),
        "messages": float(len(messages)),
        "message_chars": float(sum(len(m.get("text", "")) for m in messages)),
    }


def _explanation(evaluation: PairEvaluation) -> str:
    merge = evaluation.merge
    parts = (
        []
        if merge is None
        else [f"merge: {merge.outcome}" + (f" ({', '.join(merge.conflict_files)})" if merge.conflict_files else "")]
    )
    for run in (evaluation.feature1, evaluation.feature2):
        parts.append(f"feature {run.feature}: " + ("passed" if run.passed else f"failed ({run.reason})"))
    return "; ".join(parts)


def _details(evaluation: PairEvaluation, patches: list[str], messages: list[dict[str, Any]]) -> dict[str, Any]:
    merge = evaluation.merge
    return {
        "merge": None
        if merge is None
        else {
            "outcome": merge.outcome,
            "apply": list(merge.apply),
            "conflict_files": list(merge.conflict_files),
            "detail": merge.detail,
            "merged_diff_lines": len(merge.diff.splitlines()),
        },
        "features": [_run_details(evaluation.feature1), _run_details(evaluation.feature2)],
        "patch_lines": [len(p.splitlines()) for p in patches],
        "messages": messages,
    }


def _run_details(run: FeatureRun) -> dict[str, Any]:
    return {
        "feature": run.feature,
        "passed": run.passed,
        "exit_code": run.exit_code,
        "tests_passed": run.counts.passed,
        "tests_failed": run.counts.failed,
        "tests_errors": run.counts.errors,
        "timed_out": run.timed_out,
        "reason": run.reason,
        "failing_tests": list(run.failing),
        "flaky_tests": list(run.flaky),
        "output_tail": run.output_tail,
    }
