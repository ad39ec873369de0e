"""Scoring: SWE-bench's evaluation in the sandbox (reset tests, apply the test patch, run, parse, grade)."""

from __future__ import annotations

from inspect_ai.scorer import CORRECT, INCORRECT, Score, Scorer, Target, accuracy, scorer, stderr
from inspect_ai.solver import TaskState
from inspect_ai.util import sandbox

from harness.simulation import conversation_record

from ._grading import grade
from ._logparse import parse_log, parse_pytest
from ._metrics import detection_accuracy, f1, fnr, fpr, precision, recall
from ._prompts import REPO_DIR
from ._testspec import TEST_PATCH_PATH, test_output


def parse_pytest_results(output: str) -> dict[str, str]:
    """Outcome per test id from pytest's `-rA` short summary."""
    return parse_pytest(output)


@scorer(metrics=[accuracy(), stderr()])
def tests_resolved(test_timeout: int = 1800) -> Scorer:
    """Resolved = after the test patch, no FAIL_TO_PASS or PASS_TO_PASS test fails (SWE-bench's grading).

    The sample's `test_plan` (script and log parser) comes from the task: SWE-bench's test command and
    log parser for the instance's repository, or pytest `-rA` for the mini-suite.

    Args:
        test_timeout: Seconds the test run may take (a run that overruns is not resolved).
    """

    async def score(state: TaskState, target: Target) -> Score:
        meta = state.metadata
        repo_dir = meta.get("repo_dir", REPO_DIR)
        plan = meta["test_plan"]
        env = sandbox()
        agent_patch = (await env.exec(["git", "-C", repo_dir, "diff", "HEAD"])).stdout
        await env.write_file(TEST_PATCH_PATH, meta["test_patch"])
        try:
            run = await env.exec(["bash", "-c", plan["script"]], timeout=test_timeout)
        except TimeoutError:
            return Score(value=INCORRECT, answer=agent_patch, explanation=f"the tests ran over {test_timeout} s")
        log = run.stdout + run.stderr
        output = test_output(log)
        if output is None:
            return Score(value=INCORRECT, answer=agent_patch, explanation=f"the test patch did not apply: {log[-500:]}")
        graded = grade(
            parse_log(plan["parser"], output) or parse_log(plan["parser"], log),
            meta["FAIL_TO_PASS"],
            meta["PASS_TO_PASS"],
        )
        shown = ", ".join(graded.failing[:5]) + (" ..." if len(graded.failing) > 5 else "")
        return Score(
            value=CORRECT if graded.resolved else INCORRECT,
            answer=agent_patch,
            explanation="all required tests pass" if graded.resolved else f"not passing: {shown}",
            metadata={
                "fail_to_pass": graded.fail_to_pass,
                "pass_to_pass": graded.pass_to_pass,
                "test_exit": run.returncode,
            },
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
