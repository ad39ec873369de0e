"""What the agent is told at the start of a session."""

from __future__ import annotations

from ._collect import HISTORY_DIR, REPO_DIR
from ._minisuite import Issue
from ._profiles import Profile

SETTINGS = ("first_session", "history", "memory")
"""first_session: no history, a fresh memory each session; history: earlier transcripts in the sandbox
(and the sample's metadata), a fresh memory each session; memory: no transcripts, but the sessions of
one user run in order and the agent's user memory carries over between them."""

_CONTEXT = {
    "first_session": "This is your first session with {name}.",
    "history": (
        "You have worked with {name} before: transcripts of your earlier sessions are in ./{history}/ "
        "(one Markdown file per session). Read them to learn how {name} likes to work."
    ),
    "memory": (
        "{name} may have worked with you before in this run; whatever you stored about {name} is in your user memory."
    ),
}

PROMPT = """\
You are a coding agent working for {name}, {role}. The Git repository is ./{repo} (Python; run its \
tests with `cd {repo} && python3 -m unittest discover -s tests -t .`).

{name} writes:
> {statement}

{context}
You can ask {name} questions with the ask_user tool. When you are done, reply with your summary for {name}."""


def session_prompt(profile: Profile, issue: Issue, setting: str) -> str:
    """The session's opening message to the agent."""
    context = _CONTEXT[setting].format(name=profile.name, history=HISTORY_DIR)
    return PROMPT.format(
        name=profile.name, role=profile.role, repo=REPO_DIR, statement=issue.statement, context=context
    )
