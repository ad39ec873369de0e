"""Every shipped issue is real: its deciding tests fail on the repository and pass after the gold edits,
with the regression test the scripted agents add (real unittest runs in a temporary folder)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness_stateful_swe import load_minisuite
from harness_stateful_swe._artefact import parse_unittest
from harness_stateful_swe._minisuite import apply_edits, regression_source

ISSUES = load_minisuite().issues


def _suite(root: Path, files: dict[str, str], hidden_module: str):
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    run = subprocess.run(
        [sys.executable, "-m", "unittest", "discover", "-s", "tests", "-t", ".", "-v"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return parse_unittest(run.stderr, hidden_module)


@pytest.mark.parametrize("issue", ISSUES, ids=lambda i: i.id)
def test_the_issue_fails_before_the_fix_and_passes_after_it(issue, tmp_path: Path):
    repo = load_minisuite().repos[issue.repo]
    hidden = {issue.hidden_test_path: issue.hidden}
    module = issue.hidden_test_path.removesuffix(".py").replace("/", ".")
    before = _suite(tmp_path / "before", {**repo, **hidden}, module)
    assert before.suite_passes and before.hidden and not before.resolved  # the old tests pass, the deciding ones fail
    fixed = apply_edits(repo, issue.gold)
    fixed[issue.regression.module] += regression_source(issue)
    after = _suite(tmp_path / "after", {**fixed, **hidden}, module)
    assert after.resolved, after.output
    assert any(key.endswith(issue.regression.name) for key in after.results)  # the regression test ran too
