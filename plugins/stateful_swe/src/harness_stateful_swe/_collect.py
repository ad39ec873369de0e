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
printf '[user]\n\temail = developer@example.com\n\tname = Developer\n[commit]\n\tgpgsign = false\n' >> .git/config
git add -A
git commit -q -m "Starting point"
git rev-parse HEAD > ../{BASE_FILE}
"""
"""Sample setup: the shipped files become a Git repository on `main` with one commit."""

_READ = f"""set -e
base=$(cat ../{BASE_FILE})
index=$(mktemp -u)
GIT_INDEX_FILE=$index git add -A >/dev/null 2>&1
GIT_INDEX_FILE=$index git diff --cached --no-color --no-renames --no-ext-diff "$base"
rm -f "$index"
printf '\\036'
git log --reverse --format=%B%x00 "$base"..HEAD
printf '\\036'
git rev-parse --abbrev-ref HEAD
printf '\\036'
git ls-tree -r --name-only "$base"
"""
"""One exec: the diff against the starting commit (new files too, the agent's index untouched), the commits
since it, the branch, and the starting commit's files; separated by ASCII record separators."""


async def _run(script: str, timeout: int = 60) -> str:
    result = await sandbox().exec(["sh", "-c", script], cwd=REPO_DIR, timeout=timeout)
    if not result.success:
        raise RuntimeError(f"reading the session's repository failed: {result.stderr.strip()[-500:]}")
    return result.stdout


async def collect(state: TaskState, issue: Issue, test_timeout: int = 120) -> Artefact:
    """The session's artefact: what changed since the starting commit, then the suite run with the deciding tests."""
    diff, log, branch, listed = (await _run(_READ)).split("\x1e")
    added, removed, new_files, deleted = parse_diff(diff)
    base_files = listed.split()
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
        branch_changed=branch.strip() != "main",
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
