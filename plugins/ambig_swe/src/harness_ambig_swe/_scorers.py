"""Scoring: SWE-bench's evaluation in the sandbox (reset tests, apply the test patch, run, parse, grade)."""

from __future__ import annotations

from dataclasses import dataclass

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
    log parser for the instance's repository, or pytest `-rA` for the mini-suite. A required test that
    fails is run once more, alone where the runner can name single tests (else the whole run is
    repeated): one that passes then is *flaky* — listed in the score's metadata (`flaky`), not
    counted as the agent's failure. The metadata also has the failing test ids and the test output's tail.

    Args:
        test_timeout: Seconds the test run may take (a run that overruns is not resolved).
    """

    async def score(state: TaskState, target: Target) -> Score:
        meta = state.metadata
        plan = meta["test_plan"]
        env = sandbox()
        agent_patch = (await env.exec(["git", "-C", meta.get("repo_dir", REPO_DIR), "diff", "HEAD"])).stdout
        await env.write_file(TEST_PATCH_PATH, meta["test_patch"])
        first = await _test_run(plan["script"], plan["parser"], [], test_timeout)
        if first.explanation:
            return Score(value=INCORRECT, answer=agent_patch, explanation=first.explanation)
        graded = grade(first.statuses, meta["FAIL_TO_PASS"], meta["PASS_TO_PASS"])
        flaky: list[str] = []
        if graded.failing:
            alone = plan.get("rerun")
            tests = graded.failing if alone else []
            again = await _test_run(alone or plan["script"], plan["parser"], tests, test_timeout)
            flaky = [t for t in graded.failing if again.statuses.get(t) in ("PASSED", "XFAIL")]
        failing = [t for t in graded.failing if t not in flaky]
        shown = ", ".join(failing[:5]) + (" ..." if len(failing) > 5 else "")
        explanation = f"not passing: {shown}" if failing else "all required tests pass"
        return Score(
            value=INCORRECT if failing else CORRECT,
            answer=agent_patch,
            explanation=explanation + (f" (flaky, passed alone: {', '.join(flaky)})" if flaky else ""),
            metadata={
                "fail_to_pass": graded.fail_to_pass,
                "pass_to_pass": graded.pass_to_pass,
                "test_exit": first.exit_code,
                "failing_tests": failing,
                "flaky": flaky,
                "output_tail": first.tail,
            },
        )

    return score


@dataclass(frozen=True)
class _TestRun:
    statuses: dict[str, str]
    exit_code: int | None = None
    tail: str = ""
    explanation: str = ""
    """Why the run cannot be graded (it timed out, the test patch did not apply); empty when it can."""


async def _test_run(script: str, parser: str, tests: list[str], timeout: int) -> _TestRun:
    """Run the plan's script (with `tests` as its arguments) and read the test statuses from its output."""
    try:
        run = await sandbox().exec(["bash", "-c", script, "bash", *tests], timeout=timeout)
    except TimeoutError:
        return _TestRun({}, explanation=f"the tests ran over {timeout} s")
    log = run.stdout + run.stderr
    output = test_output(log)
    if output is None:
        return _TestRun({}, run.returncode, explanation=f"the test patch did not apply: {log[-500:]}")
    tail = "\n".join(output.strip().splitlines()[-30:])
    return _TestRun(parse_log(parser, output) or parse_log(parser, log), run.returncode, tail)


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
