"""`harness new plugin`: scaffolds that build, pass twine check, install and pass conformance."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_harness, uv_install


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["task", "scorer", "solver", "simulator"])
def test_each_kind_scaffolds_into_a_conforming_plugin(kind: str, tmp_path: Path):
    result = run_harness("new", "plugin", f"demo_{kind}", f"kind={kind}", "--dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    root = tmp_path / f"plugeval-demo-{kind}"
    assert (root / ".github" / "workflows" / "publish.yml").read_text().count("id-token: write") == 1
    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(root)],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    env = {**os.environ, "PYTHONPATH": str(site)}
    listed = run_harness("list", f"{kind}s", site=site)
    assert f"demo_{kind}" in listed.stdout and "plugeval-demo-" in listed.stdout
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(root / "tests")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "1 passed" in tests.stdout


def test_bad_scaffold_requests(tmp_path: Path):
    assert "lowercase" in run_harness("new", "plugin", "My-Plugin", "--dir", str(tmp_path)).stderr
    assert "'kind' must be one of" in run_harness("new", "plugin", "x", "kind=agent", "--dir", str(tmp_path)).stderr
    assert run_harness("new", "plugin", "twice", "--dir", str(tmp_path)).returncode == 0
    again = run_harness("new", "plugin", "twice", "--dir", str(tmp_path))
    assert again.returncode == 2 and "already exists" in again.stderr


@pytest.mark.slow
@pytest.mark.xdist_group("builds-the-checkout")  # uv builds the checkout in its tree, as test_wheels does
def test_built_wheel_installs_in_a_fresh_venv_with_the_harness(tmp_path: Path):
    assert run_harness("new", "plugin", "fresh_task", "--dir", str(tmp_path)).returncode == 0
    root = tmp_path / "plugeval-fresh-task"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(tmp_path / "dist"), str(root)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    artifacts = sorted((tmp_path / "dist").iterdir(), key=lambda p: p.suffix)  # .gz (sdist), .whl
    assert [p.suffix for p in artifacts] == [".gz", ".whl"]
    twine = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, artifacts)], capture_output=True, text=True
    )
    assert twine.returncode == 0, twine.stdout + twine.stderr
    assert twine.stdout.count("PASSED") == 2

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    installed = uv_install(venv / "bin" / "python", str(REPO), str(artifacts[1]), "pytest")
    assert installed.returncode == 0, installed.stderr[-3000:]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["HARNESS_MODEL"] = "mockllm/model"
    listed = subprocess.run([str(venv / "bin" / "harness"), "list", "tasks"], capture_output=True, text=True, env=env)
    assert "fresh_task" in listed.stdout and "plugeval-fresh-task 0.1.0" in listed.stdout
    conformance = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(root / "tests")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert conformance.returncode == 0, conformance.stdout + conformance.stderr
