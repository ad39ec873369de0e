"""The evaluator's pieces on the host: test-file filtering, pytest counts, and real git merges."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from harness_cooperbench import drop_test_files, is_test_path, merge_patches, parse_pytest_counts
from harness_cooperbench._shell import LocalShell

IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}


@pytest.mark.parametrize(
    ("path", "is_test"),
    [
        ("tests/test_termui.py", True),
        ("src/click/tests/helpers.py", True),
        ("pkg/test/data.txt", True),
        ("src/app/test_utils.py", True),
        ("src/app/utils_test.py", True),
        ("myapp/tests.py", True),
        ("src/click/termui.py", False),
        ("src/contest.py", False),
        ("docs/testing.rst", False),
    ],
)
def test_test_files_are_recognised_like_cooperbench(path: str, is_test: bool):
    assert is_test_path(path) is is_test


def _diff(path: str, line: str) -> str:
    return f"diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+{line}\n"


def test_drop_test_files_keeps_only_source_sections():
    patch = _diff("src/a.py", "x = 1") + _diff("tests/test_a.py", "def test(): pass") + _diff("src/b.py", "y = 2")
    kept = drop_test_files(patch)
    assert "src/a.py" in kept and "src/b.py" in kept and "tests/test_a.py" not in kept
    assert drop_test_files(_diff("tests/test_a.py", "z")) == ""


@pytest.mark.parametrize(
    ("output", "counts"),
    [
        (
            "collected 5\n======================== 68 passed, 21 skipped in 1.17s ========================\n",
            (68, 0, 0, 21),
        ),
        ("===== 2 failed, 40 passed, 1 error in 3.02s =====\nCleaning up\n", (40, 2, 1, 0)),
        ("=== 3 passed in 0.1s ===\n...\n=== 1 failed, 1 passed, 2 errors in 0.2s (0:00:00) ===", (1, 1, 2, 0)),
        ("============ no tests ran in 0.01s ============", (0, 0, 0, 0)),
        ("error: patch failed: src/a.py:3\n", (0, 0, 0, 0)),
    ],
)
def test_pytest_counts_come_from_the_last_summary_line(output: str, counts: tuple[int, int, int, int]):
    found = parse_pytest_counts(output)
    assert (found.passed, found.failed, found.errors, found.skipped) == counts


@pytest.fixture
def repo(tmp_path: Path) -> LocalShell:
    path = tmp_path / "repo"
    path.mkdir()
    env = {**os.environ, **IDENTITY}
    (path / "calc.py").write_text("def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n")
    (path / "notes.txt").write_text("one\n")
    for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"], ["git", "commit", "-qm", "base"]):
        subprocess.run(cmd, cwd=path, check=True, env=env)
    return LocalShell(path, env)


def _edit(shell: LocalShell, change) -> str:
    """The diff a change makes to the base checkout (which is then restored)."""
    change(shell.repo)
    subprocess.run(["git", "add", "-A"], cwd=shell.repo, check=True, env=shell.env)
    diff = subprocess.run(["git", "diff", "--cached"], cwd=shell.repo, capture_output=True, text=True).stdout
    subprocess.run(["git", "reset", "-q", "--hard"], cwd=shell.repo, check=True, env=shell.env)
    return diff


def _append(path: str, text: str):
    return lambda root: (root / path).write_text((root / path).read_text() + text)


def _replace(path: str, old: str, new: str):
    return lambda root: (root / path).write_text((root / path).read_text().replace(old, new))


def test_separate_edits_merge_cleanly(repo: LocalShell, tmp_path: Path):
    first = _edit(repo, _replace("calc.py", "return a + b", "return int(a) + int(b)"))
    second = _edit(repo, _append("notes.txt", "two\n"))
    merged = merge_patches(repo, first, second, str(tmp_path / "patches"))
    assert (merged.outcome, merged.apply, merged.conflict) == ("clean", ("applied", "applied"), False)
    assert "int(a) + int(b)" in merged.diff and "+two" in merged.diff
    head = subprocess.run(["git", "status", "--porcelain"], cwd=repo.repo, capture_output=True, text=True)
    assert head.stdout == ""  # left clean at the base commit for the next pair


def test_a_conflict_is_retried_as_a_union_merge(repo: LocalShell, tmp_path: Path):
    first = _edit(repo, _append("calc.py", "\n\ndef mul(a, b):\n    return a * b\n"))
    second = _edit(repo, _append("calc.py", "\n\ndef div(a, b):\n    return a / b\n"))
    merged = merge_patches(repo, first, second, str(tmp_path / "patches"))
    assert merged.outcome == "union" and merged.conflict and merged.conflict_files == ("calc.py",)
    assert "def mul" in merged.diff and "def div" in merged.diff and "<<<<<<<" not in merged.diff
    assert not (repo.repo / ".gitattributes").exists()


def test_a_union_merge_can_still_fail(repo: LocalShell, tmp_path: Path):
    first = _edit(repo, lambda root: (root / "notes.txt").unlink())
    second = _edit(repo, _replace("notes.txt", "one", "uno"))
    merged = merge_patches(repo, first, second, str(tmp_path / "patches"))
    assert merged.outcome == "failed" and merged.diff == "" and "notes.txt" in merged.conflict_files


def test_empty_and_unappliable_patches_are_recorded(repo: LocalShell, tmp_path: Path):
    first = _edit(repo, _append("notes.txt", "two\n"))
    garbage = _diff("calc.py", "x").replace("new file mode 100644\n--- /dev/null", "--- a/calc.py")
    merged = merge_patches(repo, first, garbage, str(tmp_path / "patches"))
    assert merged.apply == ("applied", "failed") and merged.outcome == "clean"
    nothing = merge_patches(repo, "", "", str(tmp_path / "patches"))
    assert (nothing.apply, nothing.outcome, nothing.diff) == (("empty", "empty"), "clean", "")
