"""Coaching (the paper's intervention): after k supporter turns, personalised feedback on the supporter's own messages.

`coaching(inner)` wraps a conversation solver. For a sample whose metadata has `coach_after: k`
it runs the conversation to k supporter turns, finds the moves in those turns (the task's judge),
adds one feedback message that only the supporter sees, and resumes. The feedback is written from
the findings: what the supporter did (with its own words as evidence) and what to do next.
"""

from __future__ import annotations

from collections.abc import Sequence

from inspect_ai.model import ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState

from ._conversation import STORE, add_turn, progress, supporter_count
from ._findings import COACH_METADATA, Judge, find_moves, supporter_turns
from ._judge import load_rubric
from ._moves import Finding
from ._prompts import COACH_HEADER

PAUSE_KEY = "lend_an_ear.pause_after"
"""Store key a conversation solver reads: stop after this many supporter turns (the wrapper resumes it)."""

_DO = {
    "validating_emotions": (
        "acknowledged their feelings",
        'Name and acknowledge what they feel ("That sounds really painful.").',
    ),
    "encouraging_elaboration": (
        "invited them to say more",
        'Invite them to say more with an open question ("What was that like for you?").',
    ),
    "demonstrating_understanding": (
        "reflected back what you heard",
        'Reflect back what you heard in your own words ("It sounds like ...").',
    ),
}
_AVOID = {
    "unsolicited_advice": ("gave advice they had not asked for", "Hold back advice until they ask for it."),
    "self_orientation": ("turned to your own experience", "Keep the focus on them rather than your own story."),
    "dismissing_emotions": ("played down their feelings", "Do not minimise what they feel; stay with it."),
}


def feedback(turns: Sequence[dict[str, Finding]]) -> str:
    """Personalised feedback on the supporter's turns so far, from the moves found in them."""
    n = len(turns)

    def count(move: str) -> tuple[int, str]:
        hits = [t[move] for t in turns if t[move].present]
        return len(hits), next((f.evidence.lstrip("~") for f in hits if f.evidence), "")

    lines = [COACH_HEADER, f"In your {n} message{'s' if n != 1 else ''} so far:"]
    tips = []
    for move, (did, tip) in _DO.items():
        k, quote = count(move)
        lines.append(f"- You {did} in {k} of {n}" + (f' ("{quote}").' if quote else "."))
        if k < n:
            tips.append(tip)
    for move, (did, tip) in _AVOID.items():
        k, quote = count(move)
        if k:
            lines.append(f"- You {did} in {k} of {n}" + (f' ("{quote}").' if quote else "."))
            tips.append(tip)
    lines.append("For your next messages: " + (" ".join(tips) if tips else "keep doing what you are doing."))
    return "\n".join(lines)


async def give_feedback(state: TaskState, judge: Judge, rubric: str) -> None:
    """Find the moves in the supporter's turns so far and add the feedback message to the conversation."""
    data = progress(state)
    cap = int((state.metadata or {}).get("judge_max_tokens") or 160)
    findings = await find_moves(supporter_turns(state.messages), judge, load_rubric(rubric), max_tokens=cap)
    text = feedback([t.primary() for t in findings])
    # harness_note: a person in the supporter's seat sees the feedback as a note, not as the seeker speaking
    state.messages.append(ChatMessageUser(content=text, metadata={COACH_METADATA: "coach", "harness_note": True}))
    add_turn(state, data, "coach", f"coach:{judge}", text)
    data = progress(state)
    data["coach"] = {"after": supporter_count(data), "judge": judge, "findings": [t.to_json() for t in findings]}
    state.store.set(STORE, data)


def coaching(inner: Solver, after: int | None = None, judge: Judge | None = None, rubric: str | None = None) -> Solver:
    """Wrap a conversation solver so the supporter gets feedback after `after` turns (default: the sample's
    `coach_after` metadata; no coaching when neither is set). `judge` and `rubric` default to the sample's."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        meta = state.metadata or {}
        k = after if after is not None else meta.get("coach_after")
        if not k:
            return await inner(state, generate)
        state.store.set(PAUSE_KEY, int(k))
        state = await inner(state, generate)
        state.store.set(PAUSE_KEY, None)
        data = progress(state)
        if not data["done"] and supporter_count(data) >= int(k):
            await give_feedback(
                state, judge or meta.get("judge") or "lexical", rubric or meta.get("rubric") or "shipped"
            )
        return await inner(state, generate)

    return solve
