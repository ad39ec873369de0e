"""The final message of the scripted agents: a generic agent's habits, changed by what the user is known to want."""

from __future__ import annotations

from ._minisuite import Issue


def _sentences(issue: Issue, files: list[str], ran: int, known: set[str]) -> list[str]:
    parts = [f"Fixed: {issue.title[0].lower()}{issue.title[1:]}.", f"Change: {issue.change}."]
    if known & {"summary_brief", "summary_one_sentence"}:
        return [f"Fixed: {issue.change}."] if "summary_one_sentence" in known else parts
    parts.append(f"Root cause: {issue.root_cause}")
    parts.append(f"Files changed: {', '.join(files)}.")
    parts.append(
        f"Ran {ran} tests, all passing." if known & {"summary_test_count", "summary_detailed"} else "Tests pass."
    )
    if known & {"summary_next_steps", "summary_detailed"}:
        parts.append("Next step: release the fix with the next version; no open risks beyond the tested cases.")
    if "summary_detailed" in known:
        parts.append(f"Expected behaviour now: {issue.details}")
    return parts


HABIT_HEADING = "## Summary"
HABIT_CLOSING = "Let me know if you'd like any changes!"
QUIET = {"no_pleasantries", "no_exclamations", "formal_tone", "summary_brief", "summary_one_sentence"}


def compose_summary(issue: Issue, files: list[str], ran: int, known: set[str], snippet: str) -> str:
    """The summary: by habit a headed bullet list with a friendly closing; what the user wants changes it.

    Known preferences it follows: brief / one sentence / detailed length, bullets or prose, no
    headings, no closing pleasantry (or exclamation, or contraction), the outcome first, the test
    count, next steps, a code snippet.
    """
    parts = _sentences(issue, files, ran, known)
    prose = bool(known & {"summary_prose", "summary_one_sentence"})
    body = " ".join(parts) if prose else "\n".join(f"- {p}" for p in parts)
    blocks = [body]
    if not known & {"no_markdown_headings", "summary_leads_with_outcome", "summary_one_sentence", "summary_brief"}:
        blocks.insert(0, HABIT_HEADING)
    if "summary_code_snippet" in known:
        blocks.append(f"```python\n{snippet.rstrip()}\n```")
    if not known & QUIET:
        blocks.append(HABIT_CLOSING)
    return "\n\n".join(blocks)
