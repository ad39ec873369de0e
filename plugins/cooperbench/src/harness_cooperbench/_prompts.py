"""What each agent is told, per setting."""

from __future__ import annotations

from ._image import REPO_DIR

SETTINGS = ("coop", "coop_nomsg", "solo")

_COMMON = f"""\
You are {{name}}, a software engineer. The repository is checked out at {REPO_DIR} (your working \
directory); use the bash, python and text_editor tools to read, change and test it. Implement the \
feature described in the user message by changing the source code; hidden tests will check it. \
When you are done, call submit() with a one-line summary."""

_TEAM = """
Another engineer ({other}) is implementing a different feature of the same repository at the \
same time, in their own copy. When you both finish, your two changes are merged with git and the \
merged code must pass the tests of both features. Avoid conflicting edits: both of you touching the \
same lines makes the merge fail or break."""

_MESSAGING = """
You can talk to {other} with send_message(to="{other}", text=...); their messages appear in your \
conversation as [Message from {other}]: .... Tell them early which files and functions you will \
change, and answer their questions."""

_SILENT = """
You cannot communicate with {other}."""

_GIT = """
You share a git remote with {other}: commit your work, then git_push() publishes it as branch \
{name}; git_pull("{other}") fetches theirs as team/{other}, which you may merge."""

_SOLO = f"""\
You are a software engineer. The repository is checked out at {REPO_DIR} (your working directory); \
use the bash, python and text_editor tools to read, change and test it. Implement BOTH features \
described in the user message by changing the source code; hidden tests will check each. When you \
are done, call submit() with a one-line summary."""


def system_prompt(setting: str, name: str, other: str, git: bool) -> str:
    """The system prompt of agent `name` (solo: the only agent)."""
    if setting == "solo":
        return _SOLO
    text = _COMMON + _TEAM + (_MESSAGING if setting == "coop" else _SILENT)
    if git:
        text += _GIT
    return text.format(name=name, other=other)


def feature_prompt(descriptions: list[str]) -> str:
    """The user message: one feature, or both (solo), as written in feature.md."""
    if len(descriptions) == 1:
        return "Implement this feature:\n\n" + descriptions[0]
    return "\n\n".join(f"# Feature {n}\n\n{text}" for n, text in enumerate(descriptions, 1))
