"""What a session left behind: the diff, commits, tests, questions and summary that preferences are checked on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SuiteRun:
    """The repository's test suite, run with the deciding tests added.

    Attributes:
        results: Outcome (`ok`, `FAIL`, `ERROR`, `skipped`...) of each test, by id `module.Class.test`.
        ran: How many tests ran ("Ran N tests").
        hidden_module: Module of the deciding tests (their ids start with it).
        output: The end of the runner's output.
    """

    results: dict[str, str] = field(default_factory=dict)
    ran: int = 0
    hidden_module: str = ""
    output: str = ""

    @property
    def hidden(self) -> dict[str, str]:
        return {k: v for k, v in self.results.items() if self.hidden_module and k.startswith(self.hidden_module)}

    @property
    def resolved(self) -> bool:
        """The deciding tests ran and passed, and so did every other test."""
        return bool(self.hidden) and self.ran > 0 and all(v in ("ok", "skipped") for v in self.results.values())

    @property
    def suite_passes(self) -> bool:
        """Every test other than the deciding ones passed (the suite the agent left)."""
        others = {k: v for k, v in self.results.items() if k not in self.hidden}
        return self.ran > 0 and all(v in ("ok", "skipped") for v in others.values())


@dataclass(frozen=True)
class Artefact:
    """A session as the judge sees it (never the agent's memory).

    Attributes:
        added: Lines the session added, by file: (line number in the new file, text).
        removed: Lines it removed, by file.
        new_files: Files it created; deleted_files: files it deleted.
        base_files: Files of the repository before the session.
        contents: The final text of each changed Python file (for checks that parse code).
        commits: Messages of the commits it made, oldest first.
        branch_changed: It left the repository on a branch other than the one it started on.
        summary: Its final message to the user.
        questions: What it asked the user, in order.
        commands: The commands it ran (tool calls), for checks such as "ran the tests".
        tests: The test run with the deciding tests.
    """

    added: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    new_files: tuple[str, ...] = ()
    deleted_files: tuple[str, ...] = ()
    base_files: tuple[str, ...] = ()
    contents: dict[str, str] = field(default_factory=dict)
    commits: tuple[str, ...] = ()
    branch_changed: bool = False
    summary: str = ""
    questions: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()
    tests: SuiteRun = field(default_factory=SuiteRun)

    @property
    def changed_files(self) -> list[str]:
        return sorted({*self.added, *self.removed, *self.new_files, *self.deleted_files})

    def to_dict(self) -> dict[str, Any]:
        """A compact JSON form for the score's metadata."""
        return {
            "changed_files": self.changed_files,
            "new_files": list(self.new_files),
            "added_lines": sum(len(v) for v in self.added.values()),
            "removed_lines": sum(len(v) for v in self.removed.values()),
            "commits": list(self.commits),
            "branch_changed": self.branch_changed,
            "questions": list(self.questions),
            "tests": {"ran": self.tests.ran, "resolved": self.tests.resolved, "suite_passes": self.tests.suite_passes},
        }


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def parse_diff(diff: str) -> tuple[dict[str, list[tuple[int, str]]], dict[str, list[str]], list[str], list[str]]:
    """Added lines (with new line numbers), removed lines, new files and deleted files of a `git diff`."""
    added: dict[str, list[tuple[int, str]]] = {}
    removed: dict[str, list[str]] = {}
    new_files: list[str] = []
    deleted: list[str] = []
    path, line = "", 0
    for text in diff.splitlines():
        if text.startswith("diff --git "):
            path = text.split(" b/", 1)[-1]
        elif text.startswith("new file mode"):
            new_files.append(path)
        elif text.startswith("deleted file mode"):
            deleted.append(path)
        elif text.startswith(("+++", "---", "index ", "similarity", "rename ", "old mode", "new mode", "Binary")):
            continue
        elif match := _HUNK.match(text):
            line = int(match.group(1))
        elif text.startswith("+"):
            added.setdefault(path, []).append((line, text[1:]))
            line += 1
        elif text.startswith("-"):
            removed.setdefault(path, []).append(text[1:])
        elif text.startswith(" "):
            line += 1
    return added, removed, new_files, deleted


_TEST = re.compile(r"^(test\w*) \(([\w.]+)\)")
_OUTCOME = re.compile(r" \.\.\. (ok|FAIL|ERROR|skipped.*|expected failure|unexpected success)$")
_RAN = re.compile(r"^Ran (\d+) tests?", re.MULTILINE)


def parse_unittest(output: str, hidden_module: str) -> SuiteRun:
    """A verbose unittest run's per-test outcomes (`test_x (module.Class.test_x) ... ok`).

    A test with a docstring prints it on the next line, with the outcome at its end.
    """
    results: dict[str, str] = {}
    pending = ""
    for text in output.splitlines():
        test = _TEST.match(text)
        if test:
            name, where = test.groups()
            pending = where if where.endswith("." + name) else f"{where}.{name}"  # 3.11+ prints the full id
        outcome = _OUTCOME.search(text)
        if outcome and pending:
            results[pending] = "skipped" if outcome.group(1).startswith("skipped") else outcome.group(1)
            pending = ""
    ran = _RAN.search(output)
    return SuiteRun(results, int(ran.group(1)) if ran else 0, hidden_module, output[-3000:])
