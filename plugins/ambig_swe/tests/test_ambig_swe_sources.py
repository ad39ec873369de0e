"""Ambig-SWE `task.repos` sources: a shallow .tar.gz, a clone, a bare repository; and the two clear errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ambig_swe_testkit import DATA, run_harness

TARBALL = DATA / "psf__requests-shallow.tar.gz"  # shallow psf/requests (Apache-2.0), base commits tagged base-<sha7>
BASE_1142 = "22623bd8c265b78b161542663ee980738441c307"


def _git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def _requests_row(instance_id: str = "psf__requests-1142") -> str:
    rows = (DATA / "requests.jsonl").read_text().splitlines()
    return next(r for r in rows if json.loads(r)["instance_id"] == instance_id)


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))


def _self_contained_checkout(source: Path, tmp_path: Path) -> Path:
    from harness.sandbox import clone_commit as single_commit_clone
    from harness_ambig_swe._sources import open_source, require_commit

    repository = open_source(source, "psf/requests")
    require_commit(repository, BASE_1142, "psf__requests-1142", source)
    target = tmp_path / "context" / "repo"
    single_commit_clone(repository, BASE_1142, target)
    return target


def test_a_shallow_tarball_gives_a_self_contained_checkout_of_the_base_commit(tmp_path: Path):
    target = _self_contained_checkout(TARBALL, tmp_path)
    assert _git("rev-parse", "HEAD", cwd=target).strip() == BASE_1142
    # the bug 1: no alternates path back to the source, which a Docker build context cannot follow
    assert not (target / ".git" / "objects" / "info" / "alternates").exists()
    assert (target / "requests" / "models.py").is_file()
    assert _git("status", "--porcelain", cwd=target) == ""


def test_a_bare_repository_and_a_clone_work_as_sources(tmp_path: Path):
    from harness_ambig_swe._sources import open_source

    extracted = open_source(TARBALL)
    bare = tmp_path / "requests.git"
    _git("clone", "-q", "--mirror", str(extracted), str(bare))
    assert (bare / "HEAD").is_file() and not (bare / ".git").exists()
    target = _self_contained_checkout(bare, tmp_path / "from-bare")
    assert _git("rev-parse", "HEAD", cwd=target).strip() == BASE_1142
    clone = tmp_path / "clone"
    _git("clone", "-q", str(extracted), str(clone))
    target = _self_contained_checkout(clone, tmp_path / "from-clone")
    assert _git("rev-parse", "HEAD", cwd=target).strip() == BASE_1142


def test_a_directory_that_is_not_a_git_repository_is_a_clear_error(tmp_path: Path):
    dataset = tmp_path / "one.jsonl"
    dataset.write_text(_requests_row() + "\n")
    plain = tmp_path / "requests-src"
    plain.mkdir()
    (plain / "setup.py").write_text("")
    result = run_harness(
        "eval",
        "task=ambig_swe",
        f"task.dataset={dataset}",
        f'task.repos={{"psf/requests": "{plain}"}}',
        f"log_dir={tmp_path / 'logs'}",
    )
    assert result.returncode == 2
    error = result.stderr.strip().splitlines()[-1]
    assert f"{plain} is not a git repository" in error
    assert "git clone https://github.com/psf/requests" in error and "bare repository or a .tar.gz" in error


def test_a_source_without_the_base_commit_is_a_clear_error(tmp_path: Path):
    dataset = tmp_path / "one.jsonl"
    dataset.write_text(_requests_row() + "\n")
    other = tmp_path / "other"
    other.mkdir()
    _git("init", "-q", cwd=other)
    _git("-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "--allow-empty", "-m", "x", cwd=other)
    result = run_harness(
        "eval",
        "task=ambig_swe",
        f"task.dataset={dataset}",
        f'task.repos={{"psf/requests": "{other}"}}',
        f"log_dir={tmp_path / 'logs'}",
    )
    assert result.returncode == 2
    error = result.stderr.strip().splitlines()[-1]
    assert f"psf__requests-1142: source {other} has no commit {BASE_1142[:12]}" in error
    assert f"git -C {other} fetch origin {BASE_1142}" in error


def test_a_real_instance_without_repository_or_image_is_a_clear_error(tmp_path: Path):
    dataset = tmp_path / "one.jsonl"
    dataset.write_text(_requests_row() + "\n")
    result = run_harness("eval", "task=ambig_swe", f"task.dataset={dataset}", f"log_dir={tmp_path}")
    assert result.returncode == 2
    assert "task.instance_image=TEMPLATE" in result.stderr and "task.repos=" in result.stderr
