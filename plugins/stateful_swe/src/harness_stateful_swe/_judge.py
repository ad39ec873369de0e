"""The end-of-session judgment: which of the user's preferences the session honoured.

Programmatic checks decide wherever the artefact does (`_checks.py`). A `judge` preference is read
by inspect's `grader` role (mode `llm`), or decided by its cue, a regular expression over the
summary (mode `scripted`, and when the grader's answer cannot be read). A preference without a cue
is left undecided in scripted mode. Nothing here reads the agent's memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._artefact import Artefact
from ._catalogue import Preference
from ._checks import check

GRADER_ROLE = "grader"

JUDGE_PROMPT = """\
A developer asked a coding agent for help. Judge one of the developer's preferences on the session below.

Preference: {statement}
Criterion: {rubric}

Questions the agent asked the developer:
{questions}

The agent's final message to the developer:
<summary>
{summary}
</summary>

Lines the agent added to the code:
<added>
{added}
</added>

Does the session meet the criterion? Answer with one word: HONOURED or BROKEN."""

_VERDICT = re.compile(r"\b(HONOU?RED|BROKEN|NOT HONOU?RED)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    """Whether one preference was honoured (None: does not apply, or undecided), and how that was decided."""

    honoured: bool | None
    how: str

    def to_dict(self) -> dict[str, Any]:
        return {"honoured": self.honoured, "how": self.how}


def cue_verdict(preference: Preference, artefact: Artefact) -> Verdict:
    """A judged preference decided by its cue over the summary; undecided without a cue."""
    cue = preference.check.get("cue")
    if not cue:
        return Verdict(None, "no cue")
    return Verdict(re.search(cue, artefact.summary.strip()) is not None, "cue")


def parse_verdict(text: str) -> bool | None:
    """HONOURED -> True, BROKEN / NOT HONOURED -> False, anything else -> None."""
    found = _VERDICT.findall(text or "")
    if not found:
        return None
    return found[0].upper().startswith("HONO")


async def grade(preference: Preference, artefact: Artefact, max_tokens: int) -> Verdict:
    """A judged preference read by the grader role; its cue decides when the answer has no verdict."""
    from inspect_ai.model import GenerateConfig, get_model

    added = "\n".join(text for lines in artefact.added.values() for _, text in lines)
    prompt = JUDGE_PROMPT.format(
        statement=preference.statement,
        rubric=preference.check["rubric"],
        questions="\n".join(f"- {q}" for q in artefact.questions) or "(none)",
        summary=artefact.summary[:4000],
        added=added[:4000] or "(none)",
    )
    output = await get_model(role=GRADER_ROLE).generate(
        prompt, config=GenerateConfig(temperature=0.0, max_tokens=max_tokens)
    )
    verdict = parse_verdict(output.completion)
    if verdict is None:
        fallback = cue_verdict(preference, artefact)
        return Verdict(fallback.honoured, f"grader unreadable; {fallback.how}")
    return Verdict(verdict, "grader")


async def judge_session(
    preferences: list[Preference], artefact: Artefact, mode: str = "llm", max_tokens: int = 16
) -> dict[str, Verdict]:
    """Each preference's verdict on the session."""
    verdicts = {}
    for preference in preferences:
        if preference.kind != "judge":
            verdicts[preference.id] = Verdict(check(artefact, preference.check), "check")
        elif mode == "llm":
            verdicts[preference.id] = await grade(preference, artefact, max_tokens)
        else:
            verdicts[preference.id] = cue_verdict(preference, artefact)
    return verdicts


def satisfaction(verdicts: dict[str, Verdict]) -> float:
    """Share of the applicable preferences honoured; 1.0 when none applies (nothing was broken)."""
    decided = [v.honoured for v in verdicts.values() if v.honoured is not None]
    return sum(decided) / len(decided) if decided else 1.0
