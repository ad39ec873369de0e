"""One feature's tests on a piece of code: the task's runner.sh in a fresh container.

`runner.sh TESTS_PATCH [CODE_PATCH]` (patches under /patches) resets the checkout, applies the
code, then the tests, installs the package and runs pytest. A feature passes when the runner exits 0
and pytest reports at least one passed test.

A test that fails is run once more, alone, in the same container (the patches applied again): one
that passes then is *flaky* — its failure came from the machine (load, timing), not the code — and
does not fail the feature; it is listed in the score's `flaky` metadata. Docker failing the
container (it will not start, or is lost mid-run) raises `harness.InfraError` (from
`harness.sandbox.Container`): an infrastructure fault, not a failed feature. A run killed for using
more than its memory is the code's failure, like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._concurrency import eval_slot
from ._containers import Container
from ._shell import Completed

RUNNER = "/usr/local/bin/runner.sh"
_SUMMARY = re.compile(r"^=+ (.*?\bin [\d.]+s\b.*?) =+\s*$", re.MULTILINE)
_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected)\b")
# `tests/x.py::test_y FAILED` (pytest -v) and `FAILED tests/x.py::test_y - msg` (the short summary)
_VERBOSE = re.compile(r"^(\S+::\S+) (FAILED|ERROR)\b", re.MULTILINE)
_SHORT = re.compile(r"^(FAILED|ERROR) (\S+\.py(?:::\S+)?)", re.MULTILINE)  # a file: its collection failed
# the same steps as the runner (code, then tests), then only the named tests
_RERUN = """
cd /workspace/repo
apply() { git apply --ignore-whitespace --ignore-space-change "$1" 2>/dev/null || git apply --3way "$1"; }
if [ -s /patches/code.patch ]; then apply /patches/code.patch || exit 90; fi
apply /patches/tests.patch || exit 90
python -m pytest -v -p no:cacheprovider "$@"
"""


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
    failing: tuple[str, ...] = ()
    """Test ids that failed (and failed again when run alone)."""
    flaky: tuple[str, ...] = ()
    """Test ids that failed, then passed when run alone."""


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


def failing_tests(output: str) -> tuple[str, ...]:
    """Ids of the tests pytest reported FAILED or ERROR, in order, each once."""
    found = dict.fromkeys(m.group(1) for m in _VERBOSE.finditer(output))
    found.update(dict.fromkeys(m.group(2) for m in _SHORT.finditer(output)))
    return tuple(found)


def summary_tail(output: str, lines: int = 30) -> str:
    """The last `lines` of the output up to pytest's final summary line (the runner's clean-up after it dropped)."""
    summaries = list(_SUMMARY.finditer(output))
    cut = output[: summaries[-1].end()] if summaries else output
    return "\n".join(cut.strip().splitlines()[-lines:])


def not_run(feature: int, reason: str) -> FeatureRun:
    """A feature whose tests could not run (e.g. the merge failed): not passed."""
    return FeatureRun(feature, False, None, PytestCounts(), reason=reason)


def run_feature_tests(image: str, feature: int, tests_patch: str, code_patch: str, timeout: int = 900) -> FeatureRun:
    """Run `feature`'s tests on `code_patch` with the task's runner in a new container from `image`.

    Raises:
        harness.InfraError: Docker could not start the container or lost it.
    """
    with eval_slot(), Container(image) as container:
        container.write("/patches/tests.patch", tests_patch)
        args = ["bash", RUNNER, "tests.patch"]
        if code_patch.strip():
            container.write("/patches/code.patch", code_patch)
            args.append("code.patch")
        result = container.run(args, timeout=timeout)
        counts = parse_pytest_counts(result.stdout)
        failing = failing_tests(result.stdout) if not result.timed_out else ()
        flaky: tuple[str, ...] = ()
        if failing and counts.passed + counts.failed + counts.errors > 0:
            failing, flaky = _rerun(container, failing, timeout)
    clean = result.exit_code == 0 or (bool(flaky) and not failing)
    passed = clean and counts.passed + (len(flaky) if result.exit_code else 0) > 0
    reason = "" if passed else _reason(result, counts)
    return FeatureRun(feature, passed, result.exit_code, counts, result.timed_out, summary_tail(result.output),
                      reason, failing, flaky)  # fmt: skip


def _rerun(container: Container, failing: tuple[str, ...], timeout: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Run the failing tests again, alone: (still failing, passed this time)."""
    again = container.run(["sh", "-c", _RERUN, "sh", *failing], timeout=timeout)
    if again.timed_out or again.exit_code == 90:
        return failing, ()
    still = set(failing_tests(again.stdout))
    passed_now = {m.group(1) for m in re.finditer(r"^(\S+::\S+) PASSED\b", again.stdout, re.MULTILINE)}
    flaky = tuple(t for t in failing if t in passed_now and t not in still)
    return tuple(t for t in failing if t not in flaky), flaky


def _reason(result: Completed, counts: PytestCounts) -> str:
    if result.timed_out:
        return "the test run timed out"
    if counts.passed == 0 and counts.failed == 0 and counts.errors == 0:
        return (f"runner exited {result.exit_code} before pytest reported (patch did not apply, install or "
                "collection failed)")  # fmt: skip
    return f"runner exited {result.exit_code}: {counts.failed} failed, {counts.errors} errors, {counts.passed} passed"
