"""Ambig-SWE real instances without Docker: SWE-bench's specs, requirements, test commands, log parsers, grading."""

from __future__ import annotations

import ast
import csv
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from ambig_swe_testkit import DATA, PLUGIN_SOURCE


def _instances(name: str):
    from harness_ambig_swe import load_instances

    return load_instances(str(DATA / name), on_invalid="fail").instances


def _git(cwd: Path, *args: str) -> str:
    identity = ["-c", "user.name=t", "-c", "user.email=t@t.invalid"]
    return subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def test_the_plugin_imports_only_public_harness_names():
    import harness

    public_modules = {"harness", "harness.simulation", "harness.sandbox"}
    offenders = []
    for path in PLUGIN_SOURCE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "harness":
                if node.module not in public_modules:
                    offenders.append(f"{path.name}: from {node.module}")
                elif node.module == "harness":
                    offenders += [f"{path.name}: {a.name}" for a in node.names if a.name not in harness.__all__]
            elif isinstance(node, ast.Import):
                offenders += [
                    f"{path.name}: import {a.name}"
                    for a in node.names
                    if a.name.startswith("harness.") and a.name not in public_modules
                ]
    assert offenders == []


def test_spec_census_of_the_500_published_instances():
    """Of the 500: 25 build on Python 3.11 (bookworm), 241 on 3.9 (bullseye); the rest need conda or another Python."""
    from harness_ambig_swe._instances import Instance
    from harness_ambig_swe._specs import BASE_IMAGES, spec_for

    template = _instances("requests.jsonl")[0]
    with (DATA / "verified_versions.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 500
    pythons: Counter[str] = Counter()
    bullseye: Counter[str] = Counter()
    for row in rows:
        instance = Instance.model_validate({**template.model_dump(), **row})
        spec = spec_for(instance)
        pythons["conda" if spec.packages == "environment.yml" else spec.python] += 1
        if spec.base_image == "plugeval/base:bullseye":
            bullseye[row["repo"].split("/")[1]] += 1
    assert pythons["3.11"] == 25 and pythons["3.9"] == 241 and pythons["conda"] == 27 + 22
    assert sum(n for python, n in pythons.items() if python not in BASE_IMAGES) == 500 - 25 - 241
    assert bullseye == {
        "sympy": 75,
        "django": 58,
        "sphinx": 44,
        "pytest": 19,
        "astropy": 18,
        "pylint": 10,
        "requests": 8,
        "scikit-learn": 7,
        "seaborn": 2,
    }


def test_requirements_are_assembled_from_the_repository_files_at_the_setup_commit(tmp_path: Path):
    """`packages: requirements.txt` (the issue's bug 2): flask's requirements/dev.txt with its -r includes."""
    from harness_ambig_swe._recipe import recipe
    from harness_ambig_swe._requirements import assemble_requirements
    from harness_ambig_swe._specs import spec_for

    repo = tmp_path / "flask"
    (repo / "requirements").mkdir(parents=True)
    (repo / "requirements" / "dev.txt").write_text("# pinned\n-r docs.txt\n-r tests.txt\n-e .\ntox==4.4.7\n")
    (repo / "requirements" / "docs.txt").write_text("sphinx==6.1.3\n# via docs\n")
    (repo / "requirements" / "tests.txt").write_text("pytest==7.2.2\n.[test]\n")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "setup")
    setup = _git(repo, "rev-parse", "HEAD").strip()
    flask = next(i for i in _instances("others.jsonl") if i.repo == "pallets/flask")
    found = assemble_requirements(flask.model_copy(update={"environment_setup_commit": setup}), repo)
    assert found.path == "requirements/dev.txt" and found.commit == setup
    lines = [line for line in found.text.splitlines() if line.strip()]
    assert lines == ["sphinx==6.1.3", "pytest==7.2.2", "tox==4.4.7"]  # includes first, as SWE-bench does
    # a source without the setup commit: the base commit's files
    assert assemble_requirements(flask.model_copy(update={"base_commit": setup}), repo).commit == setup

    spec = spec_for(flask)
    assert spec.python == "3.11" and spec.base_image == "plugeval/base:bookworm"
    lines = recipe(spec, spec.base_image, found.text).dockerfile.splitlines()
    assert lines[0] == "FROM plugeval/base:bookworm"
    requirements = "RUN : step=requirements && python -m pip install -r /opt/plugeval/requirements.txt"
    pins = next(line for line in lines if "step=pip_packages" in line)
    assert "Werkzeug==2.3.7" in pins
    install = "RUN : step=install && python -m pip install -e ."
    assert lines.index(requirements) < lines.index(pins) < lines.index(install)


def test_pre_install_file_edits_run_on_the_host_and_the_rest_are_named():
    from harness_ambig_swe._recipe import host_pre_install
    from harness_ambig_swe._specs import EnvironmentSpec

    spec = EnvironmentSpec(
        "sphinx-doc/sphinx",
        "7.2",
        "3.9",
        pre_install=(
            "sed -i 's/pytest/pytest -rA/' tox.ini",
            "grep -q 'x>=1' setup.py && sed -i 's/x>=1/x>=1,<2/' setup.py || sed -i 's/x/x<2/' setup.py",
            "apt-get update && apt-get install -y graphviz",
        ),
    )
    edits, others = host_pre_install(spec)
    assert len(edits) == 2 and others == ["apt-get update && apt-get install -y graphviz"]


def test_test_commands_follow_swebench_directives():
    from harness_ambig_swe._real import test_plan
    from harness_ambig_swe._specs import spec_for
    from harness_ambig_swe._testspec import test_directives

    patch = (
        "diff --git a/tests/admin_views/tests.py b/tests/admin_views/tests.py\n"
        "diff --git a/tests/admin_views/fixtures/x.json b/tests/admin_views/fixtures/x.json\n"
    )
    assert test_directives("django/django", patch) == ["admin_views.tests"]
    assert test_directives("psf/requests", patch) == ["tests/admin_views/tests.py"]

    requests = _instances("requests.jsonl")[0]
    plan = test_plan(requests, spec_for(requests), "/workspace/repo")
    assert plan.parser == "pytest_options"
    assert "python -m pip install ." in plan.script  # the spec's install runs again: the change under test
    assert "pytest -rA test_requests.py" in plan.script
    assert f"git checkout -q {requests.base_commit} -- test_requests.py" in plan.script


def test_log_parsers_read_each_runner_as_swebench_does():
    from harness_ambig_swe._logparse import parse_log

    pytest_log = (
        "PASSED tests/test_utils.py::test_a[http://x/y]\n"
        "FAILED tests/test_utils.py::test_b - AssertionError: boom\n"
        "SKIPPED [1] tests/test_utils.py:10: no network\n"
        "XFAIL tests/test_utils.py::test_c\n"
    )
    assert parse_log("pytest_options", pytest_log) == {
        "tests/test_utils.py::test_a[http://x/y]": "PASSED",
        "tests/test_utils.py::test_b": "FAILED",
        "[1]": "SKIPPED",
        "tests/test_utils.py::test_c": "XFAIL",
    }
    assert parse_log("pytest_options", "PASSED t.py::test_p[/abs/dir/file.txt]\n") == {
        "t.py::test_p[/file.txt]": "PASSED"
    }
    django_log = (
        "test_ok (admin_views.tests.A) ... ok\n"
        "test_bad (admin_views.tests.A) ... FAIL\n"
        "test_err (admin_views.tests.A) ... ERROR\n"
        "test_skip (admin_views.tests.A) ... skipped 'no db'\n"
        "test_slow (admin_views.tests.A) ... Some output\nok\n"
    )
    assert parse_log("django", django_log) == {
        "test_ok (admin_views.tests.A)": "PASSED",
        "test_bad (admin_views.tests.A)": "FAILED",
        "test_err (admin_views.tests.A)": "ERROR",
        "test_skip (admin_views.tests.A)": "SKIPPED",
        "test_slow (admin_views.tests.A)": "PASSED",
    }
    sympy_log = (
        "test_contains ok\ntest_as_set F\ntest_broken E\n____ sympy/sets/tests/test_contains.py:test_as_set ____\n"
    )
    assert parse_log("sympy", sympy_log) == {
        "test_contains": "PASSED",
        "test_as_set": "FAILED",
        "test_broken": "ERROR",
        "sympy/sets/tests/test_contains.py:test_as_set": "FAILED",
    }


def test_grading_counts_missing_as_failing_and_skipped_as_neither():
    from harness_ambig_swe._grading import grade, needs_network

    statuses = {"a": "PASSED", "b": "XFAIL", "c": "SKIPPED", "d": "FAILED"}
    assert grade(statuses, ["a"], ["b", "c"]).resolved
    failing = grade(statuses, ["a", "missing"], ["d"])
    assert not failing.resolved and failing.failing == ["missing", "d"]
    assert failing.fail_to_pass == {"a": "PASSED", "missing": "MISSING"}
    offline = "FAILED t.py::x - requests.exceptions.ConnectionError: [Errno -3] Temporary failure in name resolution"
    assert needs_network(offline, ["t.py::x"])
    assert not needs_network("FAILED t.py::x - AssertionError: 1 != 2", ["t.py::x"])
    # another required test fails for another reason: the environment, not the network, is to blame
    assert not needs_network(
        offline + "\nFAILED t.py::y - TypeError: got an unexpected keyword 'strict'", ["t.py::x", "t.py::y"]
    )
    assert needs_network("Traceback ... Network is unreachable\n", ["t.py::x"])  # no summary lines: the whole log


def test_an_instance_needing_a_python_without_base_image_is_reported_not_run(tmp_path: Path):
    from harness_ambig_swe._real import LocalBuilder

    repo = tmp_path / "django"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "commit", "-q", "--allow-empty", "-m", "base")
    django = next(i for i in _instances("others.jsonl") if i.repo == "django/django")
    instance = django.model_copy(update={"base_commit": _git(repo, "rev-parse", "HEAD").strip()})
    outcome = LocalBuilder({"django/django": str(repo)}).prepare(instance)
    assert outcome.kind == "python"
    assert "needs Python 3.6" in outcome.reason and "task.instance_image" in outcome.reason


def test_swebench_images_run_the_spec_command_in_their_conda_env():
    from harness_ambig_swe._real import from_swebench_image

    requests = _instances("requests.jsonl")[0]
    prepared = from_swebench_image(requests, "swebench/sweb.eval.x86_64.{id_docker}:latest")
    assert prepared.sandbox.image == "swebench/sweb.eval.x86_64.psf_1776_requests-1142:latest"
    assert prepared.repo_dir == "/testbed" and prepared.sandbox.user == "root"
    assert prepared.plan.script.startswith("source /opt/miniconda3/bin/activate\nconda activate testbed\ncd /testbed")


@pytest.mark.slow
def test_a_hugging_face_id_offline_is_a_clear_error(monkeypatch: pytest.MonkeyPatch):
    from harness import ConfigError
    from harness_ambig_swe import load_instances

    pytest.importorskip("datasets")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    with pytest.raises(ConfigError, match="could not load Hugging Face dataset 'no-such/dataset'.*local .jsonl"):
        load_instances("no-such/dataset")
