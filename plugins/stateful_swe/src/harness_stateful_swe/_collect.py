"""Reading a finished session out of its sandbox: the diff against the starting commit, commits, tests."""

from __future__ import annotations

import json
from typing import Any

from inspect_ai.model import ChatMessageAssistant
from inspect_ai.solver import TaskState
from inspect_ai.util import sandbox

from harness import conversation_record

from ._artefact import Artefact, parse_diff, parse_unittest
from ._minisuite import Issue

REPO_DIR = "repo"
"""The repository, relative to the sandbox's working directory."""
HISTORY_DIR = "history"
"""Earlier sessions' transcripts (history setting), relative to the working directory."""
BASE_FILE = ".session_base"
"""The starting commit's id, beside the repository."""
TEST_COMMAND = "python3 -m unittest discover -s tests -t . -v"

SETUP = f"""set -e
cd {REPO_DIR}
git init -q -b main
git config user.email developer@example.com
git config user.name Developer
git config commit.gpgsign false
git add -A
git commit -q -m "Starting point"
git rev-parse HEAD > ../{BASE_FILE}
"""
"""Sample setup: the shipped files become a Git repository on `main` with one commit."""

_DIFF = f"""set -e
base=$(cat ../{BASE_FILE})
index=$(mktemp -u)
GIT_INDEX_FILE=$index git add -A >/dev/null 2>&1
GIT_INDEX_FILE=$index git diff --cached --no-color --no-renames --no-ext-diff "$base"
rm -f "$index"
"""


async def _run(script: str, timeout: int = 60) -> str:
    result = await sandbox().exec(["sh", "-c", script], cwd=REPO_DIR, timeout=timeout)
    if not result.success:
        raise RuntimeError(f"reading the session's repository failed: {result.stderr.strip()[-500:]}")
    return result.stdout


async def collect(state: TaskState, issue: Issue, test_timeout: int = 120) -> Artefact:
    """The session's artefact: what changed since the starting commit, then the suite run with the deciding tests."""
    diff = await _run(_DIFF)
    added, removed, new_files, deleted = parse_diff(diff)
    base = f"$(cat ../{BASE_FILE})"
    log = await _run(f'git log --reverse --format=%B%x00 "{base}"..HEAD 2>/dev/null || true')
    branch = (await _run("git rev-parse --abbrev-ref HEAD")).strip()
    base_files = (await _run(f'git ls-tree -r --name-only "{base}"')).split()
    contents = {}
    for path in added:
        if path.endswith(".py"):
            contents[path] = await sandbox().read_file(f"{REPO_DIR}/{path}")
    await sandbox().write_file(f"{REPO_DIR}/{issue.hidden_test_path}", issue.hidden)
    try:
        run = await sandbox().exec(["sh", "-c", f"{TEST_COMMAND} 2>&1"], cwd=REPO_DIR, timeout=test_timeout)
        output = run.stdout
    except TimeoutError:
        output = f"the test suite did not finish in {test_timeout} s"
    hidden_module = issue.hidden_test_path.removesuffix(".py").replace("/", ".")
    return Artefact(
        added=added,
        removed=removed,
        new_files=tuple(new_files),
        deleted_files=tuple(deleted),
        base_files=tuple(base_files),
        contents=contents,
        commits=tuple(m.strip() for m in log.split("\x00") if m.strip()),
        branch_changed=branch != "main",
        summary=state.output.completion if state.output else "",
        questions=tuple(turn.question for turn in conversation_record().turns),
        commands=tuple(_commands(state)),
        tests=parse_unittest(output, hidden_module),
    )


def _commands(state: TaskState) -> list[str]:
    """The arguments of every tool call the agent made (commands, code, file edits), as text."""
    found = []
    for message in state.messages:
        if isinstance(message, ChatMessageAssistant):
            for call in message.tool_calls or []:
                found.append(" ".join(_text(v) for v in (call.arguments or {}).values()))
    return found


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)
