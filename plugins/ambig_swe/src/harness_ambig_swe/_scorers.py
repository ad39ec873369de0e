"""Scoring: apply the test patch and run FAIL_TO_PASS and PASS_TO_PASS with pytest in the sandbox."""

from __future__ import annotations

import re
import shlex

from inspect_ai.scorer import CORRECT, INCORRECT, Score, Scorer, Target, accuracy, scorer, stderr
from inspect_ai.solver import TaskState
from inspect_ai.util import sandbox

from harness.simulation import conversation_record

from ._metrics import detection_accuracy, f1, fnr, fpr, precision, recall
from ._prompts import REPO_DIR

_RESULT_LINE = re.compile(r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (\S+)", re.MULTILINE)
_PATCHED_FILE = re.compile(r"^diff --git a/(\S+) b/", re.MULTILINE)


def parse_pytest_results(output: str) -> dict[str, str]:
    """Outcome per test id from pytest's `-rA` short summary."""
    return {test_id: outcome for outcome, test_id in _RESULT_LINE.findall(output)}


@scorer(metrics=[accuracy(), stderr()])
def tests_resolved(test_timeout: int = 600) -> Scorer:
    """Resolved = after the test patch, every FAIL_TO_PASS and PASS_TO_PASS test passes.

    Args:
        test_timeout: Seconds the test run may take.
    """

    async def score(state: TaskState, target: Target) -> Score:
        meta = state.metadata
        repo_dir = meta.get("repo_dir", REPO_DIR)
        env = sandbox()
        agent_patch = (await env.exec(["git", "-C", repo_dir, "diff", "HEAD"])).stdout
        test_files = _PATCHED_FILE.findall(meta["test_patch"])
        restore = " ; ".join(
            f"(git -C {repo_dir} checkout HEAD -- {shlex.quote(f)} 2>/dev/null || rm -f {repo_dir}/{shlex.quote(f)})"
            for f in test_files
        )
        await env.exec(["sh", "-c", restore or "true"])
        await env.write_file("/tmp/ambig_swe_test.patch", meta["test_patch"])
        applied = await env.exec(["git", "-C", repo_dir, "apply", "/tmp/ambig_swe_test.patch"])
        if not applied.success:
            return Score(value=INCORRECT, answer=agent_patch, explanation=f"test patch did not apply: {applied.stderr}")
        tests = meta["FAIL_TO_PASS"] + meta["PASS_TO_PASS"]
        run = await env.exec(
            ["python3", "-m", "pytest", "-rA", "-q", "-p", "no:cacheprovider", *tests],
            cwd=repo_dir,
            timeout=test_timeout,
        )
        outcomes = parse_pytest_results(run.stdout)
        fail_to_pass = {t: outcomes.get(t, "MISSING") for t in meta["FAIL_TO_PASS"]}
        pass_to_pass = {t: outcomes.get(t, "MISSING") for t in meta["PASS_TO_PASS"]}
        resolved = all(v == "PASSED" for v in [*fail_to_pass.values(), *pass_to_pass.values()])
        failing = [t for t, v in {**fail_to_pass, **pass_to_pass}.items() if v != "PASSED"]
        return Score(
            value=CORRECT if resolved else INCORRECT,
            answer=agent_patch,
            explanation="all tests pass" if resolved else f"not passing: {', '.join(failing)}",
            metadata={"fail_to_pass": fail_to_pass, "pass_to_pass": pass_to_pass, "pytest_exit": run.returncode},
        )

    return score


@scorer(metrics=[detection_accuracy(), precision(), recall(), f1(), fnr(), fpr()])
def asked_when_underspecified() -> Scorer:
    """Detection mode: whether the agent asked (any question within budget) vs. whether it had to."""

    async def score(state: TaskState, target: Target) -> Score:
        asked = bool(conversation_record().asked)
        underspecified = bool(state.metadata["underspecified"])
        return Score(
            value={"underspecified": int(underspecified), "asked": int(asked)},
            explanation=("underspecified" if underspecified else "full issue")
            + ("; the agent asked" if asked else "; the agent did not ask"),
        )

    return score
