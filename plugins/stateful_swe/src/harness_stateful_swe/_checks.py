"""Programmatic checks: whether a session's artefact honours a preference (None: it does not apply).

Each check kind reads only the artefact (diff, commits, tests, questions, summary, commands), never
the agent's memory. `judge` preferences are decided elsewhere (`_judge.py`).
"""

from __future__ import annotations

import ast
import fnmatch
import re
import sys
from collections.abc import Callable
from typing import Any

from ._artefact import Artefact

Check = Callable[[Artefact, dict[str, Any]], "bool | None"]

_TEST_CALL = re.compile(r"unittest|pytest|make test|tox\b|nose")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+\S", re.MULTILINE)


def _matches(path: str, globs: list[str]) -> bool:
    return any(fnmatch.fnmatch(path, glob) for glob in globs)


def _in_scope(path: str, params: dict[str, Any]) -> bool:
    """Whether a file counts for a check with `only` / `exclude` globs."""
    if params.get("only") and not _matches(path, params["only"]):
        return False
    return not (params.get("exclude") and _matches(path, params["exclude"]))


def _added(artefact: Artefact, params: dict[str, Any], python_only: bool = False) -> list[tuple[str, int, str]]:
    return [
        (path, number, text)
        for path, lines in artefact.added.items()
        if _in_scope(path, params) and (not python_only or path.endswith(".py"))
        for number, text in lines
    ]


def words(text: str) -> int:
    """Words in a text, code blocks included (what a reader has to get through)."""
    return len(re.findall(r"\S+", text))


def _added_functions(artefact: Artefact, params: dict[str, Any]) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Functions whose `def` line the session added, in files in scope."""
    found = []
    for path, lines in artefact.added.items():
        if not path.endswith(".py") or not _in_scope(path, params) or path not in artefact.contents:
            continue
        numbers = {number for number, _ in lines}
        try:
            tree = ast.parse(artefact.contents[path])
        except SyntaxError:
            continue
        found += [
            node
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno in numbers
        ]
    return found


def _annotated(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
    arguments = [a for a in arguments if a.arg not in ("self", "cls")]
    return node.returns is not None and all(a.annotation is not None for a in arguments)


def _comment_lines(artefact: Artefact, params: dict[str, Any]) -> int:
    return sum(1 for _, _, text in _added(artefact, params, python_only=True) if text.strip().startswith("#"))


def _third_party_imports(artefact: Artefact) -> list[str]:
    local = {path.split("/")[0].removesuffix(".py") for path in artefact.base_files}
    names = []
    for _, _, text in _added(artefact, {}, python_only=True):
        match = re.match(r"\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", text)
        if match:
            top = (match.group(1) or match.group(2)).split(".")[0]
            if top and top not in sys.stdlib_module_names and top not in local and not top.startswith("_"):
                names.append(top)
    return names


def _public_removed(artefact: Artefact) -> list[str]:
    defined = re.compile(r"^(?:def|class)\s+([A-Za-z]\w*)")
    gone = {m.group(1) for lines in artefact.removed.values() for t in lines if (m := defined.match(t))}
    kept = {m.group(1) for lines in artefact.added.values() for _, t in lines if (m := defined.match(t))}
    return sorted(gone - kept)


def _touched(artefact: Artefact, globs: list[str]) -> list[str]:
    return [path for path in artefact.changed_files if _matches(path, globs)]


def _subject(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else ""


def _if_commits(artefact: Artefact, test: Callable[[str], bool]) -> bool | None:
    return all(test(m) for m in artefact.commits) if artefact.commits else None


def _if_questions(artefact: Artefact, test: Callable[[str], bool]) -> bool | None:
    return all(test(q) for q in artefact.questions) if artefact.questions else None


def _added_tests(artefact: Artefact) -> list[str]:
    names = []
    for node in _added_functions(artefact, {"only": ["tests/**", "test_*.py", "**/test_*.py"]}):
        if node.name.startswith("test"):
            names.append(node.name)
    return names


CHECKS: dict[str, Check] = {
    "summary_words_at_most": lambda a, p: words(a.summary) <= p["n"],
    "summary_words_at_least": lambda a, p: words(a.summary) >= p["n"],
    "summary_bullets": lambda a, p: (len(_BULLET.findall(a.summary)) >= 2) == p["required"],
    "summary_names_changed_files": lambda a, p: (
        all(path.rsplit("/", 1)[-1] in a.summary for path in a.changed_files) if a.changed_files else None
    ),
    "summary_matches": lambda a, p: re.search(p["pattern"], a.summary) is not None,
    "summary_not_matches": lambda a, p: re.search(p["pattern"], a.summary) is None,
    "questions_at_most": lambda a, p: len(a.questions) <= p["n"],
    "questions_at_least": lambda a, p: len(a.questions) >= p["n"],
    "question_words_at_most": lambda a, p: _if_questions(a, lambda q: words(q) <= p["n"]),
    "one_question_per_turn": lambda a, p: _if_questions(a, lambda q: q.count("?") <= 1),
    "questions_not_matching": lambda a, p: _if_questions(a, lambda q: re.search(p["pattern"], q) is None),
    "ask_if_files_over": lambda a, p: len(a.changed_files) <= p["n"] or len(a.questions) > 0,
    "changed_lines_at_most": lambda a, p: (
        sum(len(v) for v in a.added.values()) + sum(len(v) for v in a.removed.values()) <= p["n"]
    ),
    "changed_files_at_most": lambda a, p: len([f for f in a.changed_files if _in_scope(f, p)]) <= p["n"],
    "new_files_at_most": lambda a, p: len([f for f in a.new_files if _in_scope(f, p)]) <= p["n"],
    "removed_lines_at_most": lambda a, p: (
        sum(len(lines) for path, lines in a.removed.items() if _in_scope(path, p)) <= p["n"]
    ),
    "public_api_kept": lambda a, p: not _public_removed(a),
    "files_untouched": lambda a, p: not _touched(a, p["paths"]),
    "files_touched": lambda a, p: (
        bool(_touched(a, p["paths"])) if any(_matches(f, p["paths"]) for f in a.base_files) else None
    ),
    "tests_added": lambda a, p: bool(_added_tests(a)),
    "added_tests_named": lambda a, p: (
        all(re.match(p["pattern"], name) for name in _added_tests(a)) if _added_tests(a) else None
    ),
    "ran_tests": lambda a, p: any(_TEST_CALL.search(c) for c in a.commands),
    "suite_passes": lambda a, p: a.tests.suite_passes,
    "added_functions_annotated": lambda a, p: (
        all(_annotated(f) for f in _added_functions(a, p)) if _added_functions(a, p) else None
    ),
    "added_functions_have_docstrings": lambda a, p: (
        all(ast.get_docstring(f) for f in _added_functions(a, p)) if _added_functions(a, p) else None
    ),
    "added_lines_not_matching": lambda a, p: (
        not any(re.search(p["pattern"], text) for _, _, text in _added(a, p, python_only=True))
    ),
    "added_lines_at_most_chars": lambda a, p: all(len(t) <= p["n"] for _, _, t in _added(a, p, python_only=True)),
    "comments_added_at_least": lambda a, p: _comment_lines(a, p) >= p["n"],
    "comments_added_at_most": lambda a, p: _comment_lines(a, p) <= p["n"],
    "no_new_third_party_imports": lambda a, p: not _third_party_imports(a),
    "committed": lambda a, p: bool(a.commits) == p["value"],
    "commit_message_matches": lambda a, p: _if_commits(a, lambda m: re.search(p["pattern"], m) is not None),
    "commit_subject_at_most": lambda a, p: _if_commits(a, lambda m: len(_subject(m)) <= p["n"]),
    "commits_at_most": lambda a, p: len(a.commits) <= p["n"] if a.commits else None,
    "commit_has_body": lambda a, p: _if_commits(a, lambda m: any(x.strip() for x in m.strip().splitlines()[1:])),
    "on_new_branch": lambda a, p: a.branch_changed == p["value"],
}
"""Every programmatic check kind (the catalogue schema's kinds, less `judge`)."""


def check(artefact: Artefact, spec: dict[str, Any]) -> bool | None:
    """Whether the artefact honours a preference's check (None: it does not apply to this session)."""
    return CHECKS[spec["kind"]](artefact, spec)
