"""Scripted agents (no model): one reads and applies what it knows about the user, one ignores it.

Both fix the issue with its gold edits and run the tests, with the same habits: no questions, no new
test, no commit, a headed bullet-list summary with a friendly closing. The applier changes these
habits where it knows the user wants otherwise: from the history's transcripts (preferences found by
BM25 in the user's words), from the user memory (what earlier sessions of the run learned), or by
asking the user, by topic, when it knows nothing yet (at most three questions a session). The
ignorer never reads the history or the memory. They exist to check the benchmark: the applier should
satisfy clearly more preferences.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from inspect_ai.model import ChatMessageAssistant, ChatMessageTool, ModelOutput
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.tool import ToolCall
from inspect_ai.util import sandbox

from harness import ask_user

from ._catalogue import load_catalogue
from ._collect import REPO_DIR
from ._matcher import PreferenceMatcher
from ._memory import remember, remembered
from ._minisuite import Issue, load_minisuite, regression_source
from ._seat import seated_user
from ._summary import compose_summary

TOPICS = {
    "communication": "How do you like the final summary written?",
    "version_control": "How do you want commits and branches handled?",
    "testing": "What do you prefer for tests?",
    "autonomy": "Do you want me to ask questions or decide myself?",
    "tooling": "Any preferences on dependencies, the changelog or docs?",
    "scope": "How much of the code should I change?",
    "code_style": "What code style do you prefer?",
}
"""The applier's question per category, in the order it asks them."""
QUESTIONS_PER_SESSION = 3


class Recorder:
    """Runs the scripted agent's steps in the sandbox and records them in the transcript as tool calls."""

    def __init__(self, state: TaskState) -> None:
        self.state = state

    def _record(self, function: str, arguments: dict[str, Any], result: str) -> None:
        call = ToolCall(id=uuid.uuid4().hex[:12], function=function, arguments=arguments)
        self.state.messages.append(ChatMessageAssistant(content="", tool_calls=[call]))
        self.state.messages.append(ChatMessageTool(content=result, tool_call_id=call.id, function=function))

    async def run(self, command: str) -> str:
        result = await sandbox().exec(["sh", "-c", f"{command} 2>&1"], cwd=REPO_DIR, timeout=120)
        self._record("bash", {"cmd": f"cd {REPO_DIR} && {command}"}, result.stdout[-2000:])
        return result.stdout

    async def replace(self, path: str, old: str, new: str) -> None:
        text = await sandbox().read_file(f"{REPO_DIR}/{path}")
        await sandbox().write_file(f"{REPO_DIR}/{path}", text.replace(old, new, 1))
        self._record("text_editor", {"command": "str_replace", "path": path, "old_str": old, "new_str": new}, "ok")

    async def append(self, path: str, addition: str) -> None:
        text = await sandbox().read_file(f"{REPO_DIR}/{path}")
        await sandbox().write_file(f"{REPO_DIR}/{path}", text + addition)
        self._record("text_editor", {"command": "insert", "path": path, "new_str": addition}, "ok")

    async def ask(self, question: str) -> str:
        answer = str(await ask_user(seated_user(self.state))(question=question))
        self._record("ask_user", {"question": question}, answer)
        return answer


def known_from_history(state: TaskState, matcher: PreferenceMatcher) -> list[str]:
    """Preferences the user stated in the history's transcripts (their own turns only)."""
    said = [t["text"] for s in (state.metadata or {}).get("history", []) for t in s["turns"] if t["role"] == "user"]
    return matcher.extract("\n".join(said))


async def learn(state: TaskState, recorder: Recorder, matcher: PreferenceMatcher) -> set[str]:
    """What the applier knows about the user this session: history, memory, then answers to its questions."""
    known = list(remembered("preferences", [])) + known_from_history(state, matcher)
    asked = list(remembered("asked", []))
    if not (state.metadata or {}).get("history") and "no_questions" not in known:
        for topic in [t for t in TOPICS if t not in asked][:QUESTIONS_PER_SESSION]:
            known += matcher.extract(await recorder.ask(TOPICS[topic]))
            asked.append(topic)
    catalogue = load_catalogue()
    kept: list[str] = []
    for key in known:  # later statements win over earlier conflicting ones
        kept = [k for k in kept if k != key and k not in catalogue[key].conflicts] + [key]
    remember("preferences", kept)
    remember("asked", asked)
    return set(kept)


def _with_comment(edit_new: str, note: str) -> str:
    indent = re.match(r"\s*", edit_new).group(0)  # type: ignore[union-attr]
    return f"{indent}# {note}"[:79].rstrip() + "\n" + edit_new


async def change_code(issue: Issue, recorder: Recorder, known: set[str]) -> tuple[str, list[str]]:
    """Apply the fix (and a comment, a regression test, a changelog line, as known): the new code, the files changed."""
    files = [edit.path for edit in issue.gold]
    for edit in issue.gold:
        new = _with_comment(edit.new, issue.change) if "comment_the_why" in known else edit.new
        await recorder.replace(edit.path, edit.old, new)
    if "regression_test" in known and "no_new_tests" not in known:
        await recorder.append(issue.regression.module, regression_source(issue, "test_docstrings" in known))
        files.append(issue.regression.module)
    if "update_changelog" in known and "CHANGELOG.md" in load_minisuite().repos[issue.repo]:
        entry = f"# Changelog\n\n## Unreleased\n- {issue.changelog}\n\n"
        await recorder.replace("CHANGELOG.md", "# Changelog\n\n", entry)
        files.append("CHANGELOG.md")
    return "".join(edit.new for edit in issue.gold), sorted(set(files))


def commit_message(issue: Issue, known: set[str]) -> str:
    subject = f"fix: {issue.change}" if "conventional_commits" in known else f"Fix {issue.id}: {issue.change}"
    if "short_commit_subject" in known and len(subject) > 50:
        subject = subject[:50].rsplit(" ", 1)[0]
    return subject + (f"\n\n{issue.root_cause}" if "commit_body" in known else "")


async def scripted_session(state: TaskState, apply: bool) -> TaskState:
    issue = load_minisuite().issue(state.metadata["issue"])
    recorder = Recorder(state)
    known = await learn(state, recorder, PreferenceMatcher()) if apply else set()
    if "ask_before_starting" in known:
        await recorder.ask("Before I start: is there anything about this issue I should know?")
    if "work_on_branch" in known:
        await recorder.run(f"git checkout -q -b fix/{issue.id}")
    snippet, files = await change_code(issue, recorder, known)
    output = await recorder.run("python3 -m unittest discover -s tests -t .")
    ran = int(m.group(1)) if (m := re.search(r"Ran (\d+) tests?", output)) else 0
    if "commit_when_done" in known:
        message = commit_message(issue, known).replace("'", "'\\''")
        await recorder.run(f"git add -A && git commit -q -m '{message}'")
    summary = compose_summary(issue, files, ran, known, snippet)
    state.output = ModelOutput.from_content("scripted", summary)
    state.messages.append(state.output.message)
    return state


@solver
def scripted_applier() -> Solver:
    """Scripted agent that reads what it knows of the user (history, memory, answers) and applies it (no model)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        return await scripted_session(state, apply=True)

    return solve


@solver
def scripted_ignorer() -> Solver:
    """Scripted agent with a generic agent's habits that ignores the history and the memory (no model)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        return await scripted_session(state, apply=False)

    return solve
