"""The contributor's tools are wired as CONTRIBUTING.md says: tox environments, pre-commit hooks, the two checks."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO

BIN = Path(sys.executable).parent
TOX_ENVS = ("core", "plugins", "lint", "type", "docs", "quick")
QUICK = 'pytest -m "not slow" -n auto'


@pytest.fixture(scope="module")
def tox_config(tmp_path_factory) -> dict[str, dict[str, str]]:
    """Each environment's settings as tox itself reads them (`tox config`: parses, creates no environment)."""
    shown = subprocess.run(
        [
            str(BIN / "tox"),
            "config",
            "-e",
            ",".join(TOX_ENVS),
            "-k",
            "commands",
            "commands_pre",
            "--workdir",
            str(tmp_path_factory.mktemp("tox")),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert shown.returncode == 0, shown.stdout + shown.stderr
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    key = ""
    for line in shown.stdout.splitlines():
        if line.startswith("[testenv:"):
            current = sections.setdefault(line[len("[testenv:") : -1], {})
        elif " = " in line:
            key, value = line.split(" = ", 1)
            current[key.strip()] = value
        elif line.strip() and current:
            current[key.strip()] += "\n" + line.strip()
    return sections


def _runnable(program: str) -> bool:
    return (BIN / program).exists() or shutil.which(program) is not None


@pytest.mark.parametrize("env", TOX_ENVS)
def test_each_tox_environment_parses_and_runs_real_commands(tox_config, env: str):
    config = tox_config[env]
    commands = [shlex.split(line) for line in config["commands"].splitlines() if line.strip()]
    assert commands, config
    for command in commands:
        assert _runnable(command[0]), f"tox -e {env}: {command[0]} is not installed by the test extra"
        if command[0] == "pytest" or command[:2] == ["bash", "-c"] and "pytest" in command[2]:
            assert "-n" in " ".join(command), f"tox -e {env} should run on parallel workers"
    for line in config.get("commands_pre", "").splitlines():
        script = shlex.split(line)[1:2]
        assert not script or Path(script[0]).is_file(), line


def test_the_quick_environment_is_the_documented_quick_check(tox_config):
    assert shlex.split(tox_config["quick"]["commands"]) == shlex.split(QUICK)
    contributing = (REPO / "CONTRIBUTING.md").read_text()
    assert f"$ .venv/bin/python -m {QUICK}" in contributing
    for heading in (
        "## Set-up",
        "## The quick check",
        "## The full check",
        "## Adding a plugin",
        "## Cutting a release",
    ):
        assert heading in contributing, heading


def test_the_full_check_runs_in_parallel_and_prints_the_ten_slowest_tests():
    pytest_line = next(line for line in (REPO / ".ci" / "run").read_text().splitlines() if "-m pytest" in line)
    assert "-n " in pytest_line and "--durations=10" in pytest_line


def test_pre_commit_hooks_are_local_and_run_the_venvs_tools():
    valid = subprocess.run(
        [str(BIN / "pre-commit"), "validate-config", ".pre-commit-config.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert valid.returncode == 0, valid.stdout + valid.stderr
    repos = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())["repos"]
    assert [repo["repo"] for repo in repos] == ["local"]  # no hook repository to clone
    hooks = {hook["id"]: hook for hook in repos[0]["hooks"]}
    assert set(hooks) == {"ruff", "ruff-format", "mypy"}
    for hook in hooks.values():
        program = shlex.split(hook["entry"])[0]
        assert program.startswith(".venv/bin/") and (BIN / Path(program).name).exists(), hook["entry"]
    assert "--check" in hooks["ruff-format"]["entry"]  # reports, never rewrites a contributor's files
    assert shlex.split(hooks["mypy"]["entry"])[1:] == ["harness"]


def test_the_markers_the_docs_name_are_registered(pytestconfig: pytest.Config):
    registered = {line.split(":")[0] for line in pytestconfig.getini("markers")}
    assert {"slow", "serial"} <= registered
