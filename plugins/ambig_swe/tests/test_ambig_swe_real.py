"""Real SWE-bench instances end to end on the Docker engine: images built here, gold resolves, empty does not.

Two psf/requests instances (SWE-bench spec: Python 3.9 → plugeval/base:bullseye, `packages: pytest`,
`pip install .`, pytest with the requests log parser) from the shipped shallow source, and one
pallets/flask instance (Python 3.11 → bookworm, `packages: requirements.txt` assembled from
requirements/dev.txt and its includes, pinned pip packages, `pip install -e .`) whose source is the
Flask 2.3.0 release (pip download) with the instance's fix and tests taken out. A third requests
instance, whose tests need the internet, is reported as not run. Cold, this builds four images
(the requests ones share their environment layers); images and gold checks are cached by content
hash for the next run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from ambig_swe_testkit import DATA, run_harness, require_docker

TARBALL = DATA / "psf__requests-shallow.tar.gz"  # shallow psf/requests (Apache-2.0) with the 8 base commits
RESOLVING_HERE = ("psf__requests-1142", "psf__requests-6028")  # the other 6 need the internet (see README)
NEEDS_INTERNET = "psf__requests-2931"  # two of its PASS_TO_PASS tests expect a connect timeout from a real network


def _git(cwd: Path, *args: str) -> str:
    # a fixed identity and date: the same source gives the same commit, so its image is reused next time
    fixed = {"GIT_AUTHOR_DATE": "2023-04-25T00:00:00+00:00", "GIT_COMMITTER_DATE": "2023-04-25T00:00:00+00:00"}
    identity = ["-c", "user.name=t", "-c", "user.email=t@t.invalid"]
    return subprocess.run(
        ["git", *identity, *args], cwd=cwd, check=True, capture_output=True, text=True, env={**os.environ, **fixed}
    ).stdout


def _flask_source(root: Path) -> dict:
    """pallets__flask-5014 on a source made from the Flask 2.3.0 sdist, its gold and test patches reversed."""
    row = json.loads((DATA / "others.jsonl").read_text().splitlines()[0])
    assert row["instance_id"] == "pallets__flask-5014"
    downloads = root / "sdist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            "flask==2.3.0",
            "--dest",
            str(downloads),
        ],
        check=True,
    )
    with tarfile.open(next(downloads.glob("*.tar.gz"))) as tar:
        tar.extractall(root, filter="data")
    source = root / "Flask-2.3.0"
    _git(source, "init", "-q")
    for name in ("patch", "test_patch"):
        (root / f"{name}.diff").write_text(row[name])
        _git(source, "apply", "-R", str(root / f"{name}.diff"))  # the release holds the fix; take it out
    _git(source, "add", "-A")
    _git(source, "commit", "-qm", "Flask 2.3.0 without the fix of pallets__flask-5014")
    return {**row, "base_commit": _git(source, "rev-parse", "HEAD").strip(), "environment_setup_commit": None}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The instances, their sources, and their images built (or found cached) with the task's own builder."""
    require_docker()
    from harness_ambig_swe import load_instances
    from harness_ambig_swe._build import base_image_id
    from harness_ambig_swe._real import LocalBuilder, NotRun

    if base_image_id("plugeval/base:bullseye") is None:
        message = "plugeval/base:bullseye is missing: run `harness sandbox base-image suite=bullseye`"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    root = tmp_path_factory.mktemp("real")
    rows = [json.loads(r) for r in (DATA / "requests.jsonl").read_text().splitlines()]
    chosen = [r for r in rows if r["instance_id"] in (*RESOLVING_HERE, NEEDS_INTERNET)]
    flask = _flask_source(root)
    path = root / "instances.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [*chosen, flask]))
    repos = {"psf/requests": str(TARBALL), "pallets/flask": str(root / "Flask-2.3.0")}
    builder = LocalBuilder(repos)
    for instance in load_instances(str(path)).instances:
        started = time.monotonic()
        prepared = builder.prepare(instance)
        took = time.monotonic() - started
        if isinstance(prepared, NotRun):
            print(f"{instance.instance_id}: {took:.0f} s, not run ({prepared.kind}): {prepared.reason}")
            assert instance.instance_id == NEEDS_INTERNET and prepared.kind == "network", prepared
        else:
            timing = f"build {prepared.build_seconds:.0f} s, gold {prepared.gold.seconds:.0f} s"
            print(f"{instance.instance_id}: {took:.0f} s ({timing})")
            assert prepared.gold.resolved
    return path, repos


def _eval(dataset: tuple[Path, dict[str, str]], solver: str, log_dir: Path) -> tuple[dict, str, float]:
    path, repos = dataset
    started = time.monotonic()
    result = run_harness(
        "eval",
        "task=ambig_swe",
        f"task.dataset={path}",
        f"task.repos={json.dumps(repos)}",
        f"solver={solver}",
        "task.setting=full",
        "max_samples=1",
        f"log_dir={log_dir}",
        "display=none",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    record = json.loads(next(log_dir.glob("*/results.json")).read_text())
    return record, result.stderr, time.monotonic() - started


@pytest.mark.slow
def test_real_instances_gold_resolves_and_empty_does_not(dataset, tmp_path: Path):
    from inspect_ai.log import read_eval_log

    gold, stderr, seconds = _eval(dataset, "ambig_swe_gold", tmp_path / "gold")
    print(f"gold run incl. builds and gold checks: {seconds:.0f} s")
    # reported as not run, not as a failure: the one whose tests need the internet
    assert f"not run: {NEEDS_INTERNET}: its tests need the internet" in stderr
    assert "TestTimeout::test_connect_timeout" in stderr and "3 instance(s) run, 1 not run" in stderr
    accuracy = next(m for m in gold["metrics"] if m["scorer"] == "tests_resolved")
    assert accuracy["value"] == 1.0 and accuracy["n"] == 3, gold["metrics"]
    log = read_eval_log(gold["inspect_log"])
    not_run = log.eval.metadata["not_run"]
    assert [(n["instance_id"], n["kind"]) for n in not_run] == [(NEEDS_INTERNET, "network")]
    scores = {s.id: s.scores["tests_resolved"] for s in log.samples}
    assert set(scores) == {"psf__requests-1142", "psf__requests-6028", "pallets__flask-5014"}
    flask = scores["pallets__flask-5014"].metadata
    assert flask["fail_to_pass"] == {"tests/test_blueprints.py::test_empty_name_not_allowed": "PASSED"}
    assert len(flask["pass_to_pass"]) > 50 and set(flask["pass_to_pass"].values()) == {"PASSED"}
    assert "models.py" in scores["psf__requests-1142"].answer  # the agent's (gold) diff

    empty, _, seconds = _eval(dataset, "ambig_swe_empty", tmp_path / "empty")
    print(f"empty run (images cached): {seconds:.0f} s")
    accuracy = next(m for m in empty["metrics"] if m["scorer"] == "tests_resolved")
    assert accuracy["value"] == 0.0 and accuracy["n"] == 3
    for sample in read_eval_log(empty["inspect_log"]).samples:
        score = sample.scores["tests_resolved"]
        failing = [t for t, s in score.metadata["fail_to_pass"].items() if s != "PASSED"]
        assert failing, sample.id  # the FAIL_TO_PASS tests fail without the fix
        assert score.explanation.startswith("not passing: ")


def test_images_are_reused_by_content_hash(dataset):
    from harness_ambig_swe import load_instances
    from harness_ambig_swe._real import LocalBuilder

    path, repos = dataset
    first = load_instances(str(path)).instances[0]
    started = time.monotonic()
    prepared = LocalBuilder(repos).prepare(first)
    assert prepared.build_seconds == 0.0 and prepared.gold is not None and prepared.gold.resolved
    assert prepared.sandbox.image.startswith("plugeval/ambig-swe:psf__requests-1142-")
    assert time.monotonic() - started < 30


def test_base_images_per_suite_carry_the_python_their_instances_need(dataset):
    import docker

    present = run_harness("sandbox", "base-image", "suite=bullseye")
    assert present.returncode == 0 and "plugeval/base:bullseye already present" in present.stdout
    unknown = run_harness("sandbox", "base-image", "suite=buster")
    assert unknown.returncode == 2 and "'suite' must be one of 'bookworm', 'bullseye', 'trixie'" in unknown.stderr
    client = docker.from_env()
    for tag, python in (("plugeval/base:bullseye", "3.9"), ("plugeval/base:bookworm", "3.11")):
        output = client.containers.run(tag, ["python3", "--version"], remove=True, network_disabled=True).decode()
        assert output.startswith(f"Python {python}."), (tag, output)
    assert client.images.get("plugeval/base:bullseye").labels["plugeval.base.python"] == "3.9"


@pytest.mark.slow
def test_a_failed_build_is_reported_with_its_failing_step(dataset, tmp_path: Path):
    """A clone of the shipped source plus a commit whose package fails in the image's `pip install .`.

    The task reports such an instance as not run and goes on with the others, as it does with
    psf__requests-2931 in the run above.
    """
    from harness_ambig_swe._instances import Instance
    from harness_ambig_swe._real import LocalBuilder, NotRun
    from harness_ambig_swe._sources import open_source

    source = tmp_path / "requests"
    _git(tmp_path, "clone", "-q", str(open_source(TARBALL)), str(source))
    _git(source, "checkout", "-q", "--orphan", "broken")  # the clone of a branchless source has no work tree
    (source / "setup.py").write_text(
        "from setuptools import setup\n"
        "from setuptools.command.build_py import build_py\n\n\n"
        "class Broken(build_py):\n"
        "    def run(self):\n"
        "        raise SystemExit('this package does not build')\n\n\n"
        "setup(name='requests', version='2.27.0', packages=['requests'], cmdclass={'build_py': Broken})\n"
    )
    (source / "requests").mkdir()
    (source / "requests" / "__init__.py").write_text("")
    _git(source, "add", "setup.py", "requests/__init__.py")
    _git(source, "commit", "-qm", "a package that does not build")
    rows = {json.loads(r)["instance_id"]: json.loads(r) for r in (DATA / "requests.jsonl").read_text().splitlines()}
    broken = dict(rows["psf__requests-6028"], instance_id="psf__requests-broken")
    broken["base_commit"] = _git(source, "rev-parse", "HEAD").strip()
    outcome = LocalBuilder({"psf/requests": str(source)}).prepare(Instance.model_validate(broken))
    assert isinstance(outcome, NotRun) and outcome.kind == "build", outcome
    assert outcome.reason.startswith("build failed at step install: ")
    assert "this package does not build" in outcome.reason
