"""`critic`: score samples with a saved critic (`harness eval ... scorer=CRITIC.yaml`)."""

from __future__ import annotations

from inspect_ai.scorer import Score, Scorer, Target, mean, scorer, stderr
from inspect_ai.solver import TaskState

from ._annotate import annotate_async
from ._critic_file import load_critic
from ._judge import Judge
from ._scoring import explain, score
from ._trace import trace_from_messages


def critic(path: str, rubric: str | None = None, judge_model: str | None = None) -> Scorer:
    """Probability of success by a critic trained with `harness critic train`, and the items that drove it.

    A sample the critic was trained on is scored by the cross-fit fold model that never saw it.

    Args:
        path: Critic file (usually given as scorer=FILE.yaml).
        rubric: Rubric set to annotate with, when not the one the critic names (its version must match).
        judge_model: Judge for a critic annotated by `llm` or `both` (default: the run's `grader` role,
            `model_roles.grader=...`, else the model under test); use the judge it was trained with.
    """
    saved = load_critic(path)
    rubric_set = saved.load_rubric(rubric)
    rubric_set = rubric_set.subset([n for n in rubric_set.names if n in saved.full.weights])
    judge_settings = {
        k: saved.judge[k] for k in ("batch_size", "max_tokens", "retries", "max_chars") if k in saved.judge
    }

    @scorer(metrics=[mean(), stderr()], name="critic")
    def build() -> Scorer:
        async def score_sample(state: TaskState, target: Target) -> Score:
            trace = trace_from_messages(state.messages, state.sample_id, state.epoch)
            judge = Judge(judge_model, **judge_settings) if saved.annotator != "programmatic" else None
            annotation = await annotate_async(trace, rubric_set, saved.annotator, judge)
            scored = score(saved, annotation)
            return Score(
                value=round(scored.probability, 6),
                explanation=explain(scored),
                metadata={
                    "critic": saved.name,
                    "rubric": f"{rubric_set.name} {rubric_set.version}",
                    "items": annotation.items,
                    "drivers": dict(scored.drivers),
                    "cross_fit_fold": scored.fold,
                },
            )

        return score_sample

    return build()
