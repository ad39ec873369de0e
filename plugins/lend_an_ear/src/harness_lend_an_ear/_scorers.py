"""Scorers: empathy expression (`alignment` and per-move rates), the seeker's felt-heard ratings, coaching, conditions.

Each figure is a key of a dict-valued score with a `mean` metric, so the results record gives it n,
stderr and a 95% CI from the per-conversation values. Figures that only some samples have (ratings,
a condition, coaching) come from scorers that leave the other samples unscored.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

from inspect_ai.scorer import Score, Scorer, Target, mean, scorer
from inspect_ai.solver import TaskState

from ._conversation import STORE
from ._findings import Judge, TurnFindings, as_findings, find_moves, supporter_turns, unanswered
from ._judge import load_rubric
from ._moves import MOVES, alignment, move_rates
from ._seeker import DEFAULT_QUESTIONS

RATINGS = {f"felt_{key}": question for key, question in DEFAULT_QUESTIONS.items()}


_MEMO: OrderedDict[tuple[str, str, str], list[TurnFindings]] = OrderedDict()
_MEMO_SIZE = 512


async def conversation_findings(state: TaskState, judge: Judge, rubric: str) -> list[TurnFindings]:
    """The moves in every supporter turn, computed once per sample, judge and rubric (scorers share them)."""
    key = (str(state.uuid), judge, rubric)
    if key not in _MEMO:
        cap = int((state.metadata or {}).get("judge_max_tokens") or 160)
        _MEMO[key] = await find_moves(supporter_turns(state.messages), judge, load_rubric(rubric), max_tokens=cap)
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return _MEMO[key]


def _figures(turns: list[TurnFindings], source: str) -> dict[str, float | None]:
    rates = move_rates(as_findings(turns, source))  # type: ignore[arg-type]
    return {"alignment": alignment(rates), **rates}


@scorer(metrics={"alignment": [mean()], **{m: [mean()] for m in MOVES}})
def lend_an_ear_empathy(judge: str | None = None, rubric: str = "shipped") -> Scorer:
    """Empathy expression per conversation: `alignment` (constructive minus counter-productive rates), each move's rate.

    Args:
        judge: `lexical` (detectors), `llm` (the rubric through the `grader` role) or `both` (LLM, lexical where
            it gave no answer); default: the lend_an_ear task's `judge`, else lexical.
        rubric: `shipped` or a rubric YAML file for the LLM judge.
    """
    return _empathy(judge, rubric)


def _empathy(judge: str | None, rubric: str, extra: bool = False) -> Scorer:
    async def score(state: TaskState, target: Target) -> Score | None:
        mode: Any = judge or (state.metadata or {}).get("judge") or "lexical"
        turns = await conversation_findings(state, mode, rubric)
        if not turns:
            return None  # nothing the supporter said: unscored
        figures = _figures(turns, "primary")
        value: dict[str, Any] = {k: (math.nan if v is None else v) for k, v in figures.items()}
        if extra:
            lexical = _figures(turns, "lexical")["alignment"]
            agree = [a for t in turns for a in t.agreement()]
            value["alignment_lexical"] = math.nan if lexical is None else lexical
            value["judge_agreement"] = sum(agree) / len(agree) if agree else math.nan
        data = state.store.get(STORE) or {}
        return Score(
            value=value,
            explanation=_explain(figures, turns),
            metadata={
                "judge": mode,
                "attribution": (state.metadata or {}).get("attribution"),
                "coached": bool((state.metadata or {}).get("coach_after")),
                "scenario": (state.metadata or {}).get("scenario"),
                "domain": (state.metadata or {}).get("domain"),
                "turns": [t.to_json() for t in turns],
                "judge_unanswered": unanswered(turns),
                "ratings": data.get("ratings"),
                "coach": {k: v for k, v in (data.get("coach") or {}).items() if k != "findings"} or None,
            },
        )

    return score


def _explain(figures: dict[str, float | None], turns: list[TurnFindings]) -> str:
    parts = [f"{len(turns)} supporter turns", f"alignment {_fmt(figures['alignment'])}"]
    parts += [f"{m} {_fmt(figures[m])}" for m in MOVES]
    return "; ".join(parts)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def empathy_scorer(judge: str, rubric: str) -> Scorer:
    """The task's main scorer; with judge `both` it adds `alignment_lexical` and `judge_agreement`."""
    if judge != "both":
        return lend_an_ear_empathy(judge=judge, rubric=rubric)
    keys = ["alignment", *MOVES, "alignment_lexical", "judge_agreement"]
    return scorer(metrics={k: [mean()] for k in keys}, name="lend_an_ear_empathy")(
        lambda: _empathy(judge, rubric, True)
    )()


def felt_scorer(attribution: str | None = None) -> Scorer:
    """The seeker's 1-5 ratings (felt_heard, felt_validated, felt_understood), overall or for one attribution."""
    suffix = f"_{attribution}" if attribution else ""
    keys = {f"{k}{suffix}": q for k, q in RATINGS.items()}

    def build() -> Scorer:
        async def score(state: TaskState, target: Target) -> Score | None:
            if attribution and (state.metadata or {}).get("attribution") != attribution:
                return None
            ratings = (state.store.get(STORE) or {}).get("ratings") or {}
            values = {k: ratings.get(q) for k, q in keys.items()}
            if any(v is None or not math.isfinite(v) for v in values.values()):
                return None  # the seeker gave no usable rating: left out, not guessed
            return Score(value=values)

        return score

    return scorer(metrics={k: [mean()] for k in keys}, name=f"lend_an_ear_felt{suffix}")(build)()


def coaching_scorer(coached: bool, judge: str, rubric: str) -> Scorer:
    """Alignment before and after the coaching point, and the paired gain (after - before), per conversation.

    For uncoached samples (coaching=both) the same split at the same turn measures drift without feedback.
    """
    prefix = "coaching" if coached else "uncoached"
    keys = [f"{prefix}_before", f"{prefix}_after", f"{prefix}_gain"]

    def build() -> Scorer:
        async def score(state: TaskState, target: Target) -> Score | None:
            meta = state.metadata or {}
            if bool(meta.get("coached")) != coached:
                return None
            given = (state.store.get(STORE) or {}).get("coach")
            if coached and not given:
                return None  # the solver gave no feedback (not a coaching-aware solver, or the talk ended early)
            k = int(given["after"] if given else meta.get("split_after") or 0)
            if k < 1:
                return None
            turns = await conversation_findings(state, meta.get("judge", judge), rubric)
            before = alignment(move_rates(as_findings(turns[:k], "primary")))
            after = alignment(move_rates(as_findings(turns[k:], "primary")))
            if before is None or after is None:
                return None
            return Score(value={keys[0]: before, keys[1]: after, keys[2]: after - before})

        return score

    return scorer(metrics={k: [mean()] for k in keys}, name=f"lend_an_ear_{prefix}")(build)()
