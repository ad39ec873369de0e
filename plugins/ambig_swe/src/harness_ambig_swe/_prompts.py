"""What the agent is told in each setting."""

from __future__ import annotations

from typing import Literal

from ._instances import Instance

Setting = Literal["full", "hidden", "interactive"]
SETTINGS: tuple[Setting, ...] = ("full", "hidden", "interactive")

REPO_DIR = "repo"

_TASK = """\
The repository is checked out in the directory `{repo_dir}` (a git repository at the base commit).
Resolve the issue below by editing the source code. Do not change the tests; hidden tests will check
your fix. When you are done, call submit().

<issue>
{issue}
</issue>"""

_MAY_ASK = """

The description above is a summary that leaves out details you may need. You can ask the user
about them with the ask_user tool, at most {max_turns} times."""

_DETECTION = """

If the description leaves out details you need, you can ask the user with the ask_user tool."""


def agent_input(instance: Instance, setting: Setting, max_turns: int) -> str:
    """The agent's first message for `setting`."""
    if setting == "full":
        issue = instance.original_issue + (f"\n\nHints:\n{instance.hints_text}" if instance.hints_text.strip() else "")
        return _TASK.format(repo_dir=REPO_DIR, issue=issue)
    text = _TASK.format(repo_dir=REPO_DIR, issue=instance.problem_statement)
    return text + (_MAY_ASK.format(max_turns=max_turns) if setting == "interactive" else "")


def detection_input(instance: Instance, underspecified: bool) -> str:
    """Detection mode: the full issue or the summary, with the same offer to ask."""
    issue = instance.problem_statement if underspecified else instance.original_issue
    return _TASK.format(repo_dir=REPO_DIR, issue=issue) + _DETECTION
