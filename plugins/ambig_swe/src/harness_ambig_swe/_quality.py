"""Question quality: an LLM judge rates each answer 1–5 for the new, relevant information it adds."""

from __future__ import annotations

import re

from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, metric, scorer
from inspect_ai.solver import TaskState

from harness.simulation import conversation_record

JUDGE_PROMPT = """\
An engineer was given this summary of a task:

<summary>
{summary}
</summary>

They asked the user: {question}
The user answered: {answer}

Rate from 1 to 5 how much new, relevant information the answer adds beyond the summary
(1 = nothing new or irrelevant, 5 = essential information the summary lacked).
Reply with the rating as a single digit first, then one sentence of reasoning."""

_RATING = re.compile(r"\b([1-5])\b")


def parse_rating(reply: str) -> int | None:
    """The first digit 1–5 in the judge's reply, or None."""
    match = _RATING.search(reply)
    return int(match.group(1)) if match else None


@metric
def mean_rating() -> Metric:
    """Mean rating over all rated questions of all samples; NaN (no value) when no question was rated.

    Samples that asked nothing are not scored at all, so the metric's n counts the samples that asked.
    """

    def compute(scores: list[SampleScore]) -> float:
        values = [s.score.value for s in scores if isinstance(s.score.value, dict)]
        total = sum(float(v["rating_sum"] or 0) for v in values)
        count = sum(int(v["rated"] or 0) for v in values)
        return total / count if count else float("nan")

    return compute


@scorer(metrics=[mean_rating()])
def question_quality(judge_model: str | None = None, retries: int = 2) -> Scorer:
    """Rate each answered question 1–5 with an LLM judge (default: the run's model).

    Args:
        judge_model: Model of the judge, e.g. openai/gpt-4o (default: the run's `grader` role,
            `model_roles.grader=...`, else the model under test).
        retries: Extra attempts when the judge's reply has no rating; then the question is left unrated.
    """

    async def score(state: TaskState, target: Target) -> Score | None:
        from inspect_ai.model import get_model

        turns = conversation_record().asked
        if not turns:
            return None  # nothing to rate: the sample is left out, not rated 0
        judge = get_model(judge_model) if judge_model else get_model(role="grader")
        ratings, unrated = [], 0
        for turn in turns:
            prompt = JUDGE_PROMPT.format(
                summary=state.metadata.get("summary", ""), question=turn.question, answer=turn.answer
            )
            for _ in range(retries + 1):
                rating = parse_rating((await judge.generate(prompt)).completion)
                if rating is not None:
                    ratings.append(rating)
                    break
            else:
                unrated += 1
        return Score(
            value={"rating_sum": float(sum(ratings)), "rated": len(ratings)},
            explanation=f"ratings {ratings}" + (f"; {unrated} reply(ies) without a rating" if unrated else ""),
            metadata={"ratings": ratings, "unrated": unrated, "questions": len(turns)},
        )

    return score
