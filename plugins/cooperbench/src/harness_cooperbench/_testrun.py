"""One feature's tests on a piece of code: the task's runner.sh in a fresh container.

`runner.sh TESTS_PATCH [CODE_PATCH]` (patches under /patches) resets the checkout, applies the
code, then the tests, installs the package and runs pytest. A feature passes when the runner exits 0
and pytest reports at least one passed test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._containers import Container

RUNNER = "/usr/local/bin/runner.sh"
_SUMMARY = re.compile(r"^=+ (.*?\bin [\d.]+s\b.*?) =+\s*$", re.MULTILINE)
_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected)\b")


@dataclass(frozen=True)
class PytestCounts:
    """Counts from pytest's final summary line (all zero when there is none)."""

    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class FeatureRun:
    """The outcome of one feature's tests."""

    feature: int
    passed: bool
    exit_code: int | None
    counts: PytestCounts
    timed_out: bool = False
    output_tail: str = ""
    reason: str = ""


def parse_pytest_counts(output: str) -> PytestCounts:
    """Counts from the last `=== N passed, M failed in Xs ===` line of pytest's output."""
    summaries = _SUMMARY.findall(output)
    if not summaries:
        return PytestCounts()
    found: dict[str, int] = {}
    for number, kind in _COUNT.findall(summaries[-1]):
        key = "errors" if kind.startswith("error") else kind
        found[key] = found.get(key, 0) + int(number)
    return PytestCounts(found.get("passed", 0), found.get("failed", 0), found.get("errors", 0), found.get("skipped", 0))


def not_run(feature: int, reason: str) -> FeatureRun:
    """A feature whose tests could not run (e.g. the merge failed): not passed."""
    return FeatureRun(feature, False, None, PytestCounts(), reason=reason)


def run_feature_tests(image: str, feature: int, tests_patch: str, code_patch: str, timeout: int = 900) -> FeatureRun:
    """Run `feature`'s tests on `code_patch` with the task's runner in a new container from `image`."""
    with Container(image) as container:
        container.write("/patches/tests.patch", tests_patch)
        args = ["bash", RUNNER, "tests.patch"]
        if code_patch.strip():
            container.write("/patches/code.patch", code_patch)
            args.append("code.patch")
        result = container.run(args, timeout=timeout)
    counts = parse_pytest_counts(result.stdout)
    passed = result.exit_code == 0 and counts.passed > 0
    reason = "" if passed else _reason(result.exit_code, result.timed_out, counts)
    tail = "\n".join(result.output.strip().splitlines()[-30:])
    return FeatureRun(feature, passed, result.exit_code, counts, result.timed_out, tail, reason)


def _reason(exit_code: int, timed_out: bool, counts: PytestCounts) -> str:
    if timed_out:
        return "the test run timed out"
    if counts.passed == 0 and counts.failed == 0 and counts.errors == 0:
        return f"runner exited {exit_code} before pytest reported (patch did not apply, install or collection failed)"
    return f"runner exited {exit_code}: {counts.failed} failed, {counts.errors} errors, {counts.passed} passed"
