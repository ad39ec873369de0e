"""The programmatic checks on artefacts read from real git diffs, and the unittest output parser."""

from __future__ import annotations

import subprocess
from pathlib import Path

from harness_stateful_swe import Artefact, SuiteRun, check, load_catalogue
from harness_stateful_swe._artefact import parse_diff, parse_unittest
from harness_stateful_swe._judge import cue_verdict, parse_verdict, satisfaction, Verdict


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def _diffed(tmp_path: Path, before: dict[str, str], after: dict[str, str]) -> Artefact:
    """A real repository at `before`, changed to `after`: the artefact of that diff."""
    for path, text in before.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    for path, text in after.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    _git(tmp_path, "add", "-A")
    added, removed, new, deleted = parse_diff(_git(tmp_path, "diff", "--cached", "--no-renames", "HEAD"))
    contents = {p: (tmp_path / p).read_text() for p in added if p.endswith(".py")}
    return Artefact(
        added=added,
        removed=removed,
        new_files=tuple(new),
        deleted_files=tuple(deleted),
        base_files=tuple(before),
        contents=contents,
    )


BEFORE = {
    "pkg/core.py": "def area(w, h):\n    return w * h\n",
    "tests/test_core.py": "import unittest\n\nfrom pkg.core import area\n",
    "README.md": "# pkg\n",
    "CHANGELOG.md": "# Changelog\n",
}


def test_code_checks_read_the_added_lines_and_the_functions_they_define(tmp_path: Path):
    after = {
        "pkg/core.py": "def area(w, h):\n    return w * h\n\n\ndef perimeter(w: int, h: int) -> int:\n"
        '    """Twice the sum."""\n    print("debug")\n    return 2 * (w + h)\n',
        "pkg/extra.py": "import requests\nfrom os.path import join\n",
        "README.md": "# pkg\n\nNow with perimeters.\n",
    }
    a = _diffed(tmp_path, BEFORE, after)
    assert sorted(a.changed_files) == ["README.md", "pkg/core.py", "pkg/extra.py"] and a.new_files == ("pkg/extra.py",)
    assert check(a, {"kind": "added_functions_annotated"}) is True  # area() was not touched, perimeter() is typed
    assert check(a, {"kind": "added_functions_have_docstrings"}) is True
    assert check(a, {"kind": "added_lines_not_matching", "pattern": r"\bprint\("}) is False
    assert check(a, {"kind": "no_new_third_party_imports"}) is False  # requests; os is the standard library
    assert check(a, {"kind": "files_untouched", "paths": ["README*"]}) is False
    assert check(a, {"kind": "files_untouched", "paths": ["docs/**"]}) is True
    assert check(a, {"kind": "files_touched", "paths": ["CHANGELOG.md"]}) is False
    assert check(a, {"kind": "new_files_at_most", "n": 0, "exclude": ["tests/**"]}) is False
    assert check(a, {"kind": "tests_added"}) is False
    assert check(a, {"kind": "public_api_kept"}) is True
    assert check(a, {"kind": "added_tests_named", "pattern": "^test_"}) is None  # no test added: not applicable


def test_test_checks_and_a_removed_public_function(tmp_path: Path):
    after = {
        "pkg/core.py": "def surface(w, h):\n    return w * h\n",
        "tests/test_core.py": BEFORE["tests/test_core.py"]
        + "\n\nclass T(unittest.TestCase):\n"
        + "    def test_area_of_square(self) -> None:\n        assert area(2, 2) == 4\n",
    }
    a = _diffed(tmp_path, BEFORE, after)
    assert check(a, {"kind": "tests_added"}) is True
    assert check(a, {"kind": "added_tests_named", "pattern": "^test_[a-z]+_[a-z]+_[a-z_]+$"}) is True
    assert check(a, {"kind": "added_functions_have_docstrings", "only": ["tests/**"]}) is False
    assert check(a, {"kind": "added_lines_not_matching", "pattern": r"^\s*assert\b", "only": ["tests/**"]}) is False
    assert check(a, {"kind": "public_api_kept"}) is False  # area() is gone
    assert check(a, {"kind": "removed_lines_at_most", "n": 0, "only": ["tests/**"]}) is True


def test_conversation_commit_and_summary_checks():
    a = Artefact(
        summary="## Summary\n\n- Fixed the bug because the sign was lost.\n- Ran 7 tests.\n\nLet me know!",
        questions=("Should I add a test? And update the docs?",),
        commits=("fix: keep the sign\n\nBecause divmod rounds down.",),
        commands=("cd repo && python3 -m unittest discover -s tests",),
        branch_changed=True,
    )
    catalogue = load_catalogue()
    verdicts = {
        key: check(a, catalogue[key].check)
        for key in (
            "summary_bullets",
            "summary_prose",
            "no_markdown_headings",
            "no_pleasantries",
            "no_exclamations",
            "summary_test_count",
            "one_question_at_a_time",
            "no_questions",
            "brief",
            "conventional_commits",
            "commit_body",
            "short_commit_subject",
            "commit_when_done",
            "leave_uncommitted",
            "work_on_branch",
            "run_tests",
        )
    }
    assert verdicts == {
        "summary_bullets": True,
        "summary_prose": False,
        "no_markdown_headings": False,
        "no_pleasantries": False,
        "no_exclamations": False,
        "summary_test_count": True,
        "one_question_at_a_time": False,
        "no_questions": False,
        "brief": True,
        "conventional_commits": True,
        "commit_body": True,
        "short_commit_subject": True,
        "commit_when_done": True,
        "leave_uncommitted": False,
        "work_on_branch": True,
        "run_tests": True,
    }
    assert check(Artefact(), catalogue["conventional_commits"].check) is None  # no commit: nothing to judge
    assert cue_verdict(catalogue["summary_root_cause"], a) == Verdict(True, "cue")
    assert cue_verdict(catalogue["plain_language"], a) == Verdict(None, "no cue")


def test_verdicts_parse_and_satisfaction_counts_only_what_applies():
    assert parse_verdict("HONOURED") is True and parse_verdict("It is honored.") is True
    assert parse_verdict("BROKEN: no test") is False and parse_verdict("NOT HONOURED") is False
    assert parse_verdict("maybe?") is None
    verdicts = {"a": Verdict(True, "check"), "b": Verdict(False, "check"), "c": Verdict(None, "check")}
    assert satisfaction(verdicts) == 0.5 and satisfaction({"c": Verdict(None, "check")}) == 1.0


def test_unittest_output_with_docstrings_and_old_pythons():
    output = (
        "test_a (tests.test_x.T.test_a)\nDoc line. ... ok\n"
        "test_b (tests.test_zz_resolved_x.H) ... FAIL\n"
        "test_c (tests.test_x.T.test_c) ... skipped 'later'\n\nRan 3 tests in 0.001s\n\nFAILED (failures=1)\n"
    )
    run = parse_unittest(output, "tests.test_zz_resolved_x")
    assert run.results == {
        "tests.test_x.T.test_a": "ok",
        "tests.test_zz_resolved_x.H.test_b": "FAIL",
        "tests.test_x.T.test_c": "skipped",
    }
    assert run.ran == 3 and run.suite_passes and not run.resolved
    assert not SuiteRun().resolved  # nothing ran: not resolved
