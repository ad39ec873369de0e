"""Scoring one document with lm-eval's own filters and `process_results` (its metric functions)."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
from inspect_ai.scorer import CORRECT, Score, Scorer, Target, choice, mean, scorer
from inspect_ai.solver import TaskState

from ._metrics import lm_eval_results
from ._plan import GENERATED_CHOICE_KEY, Plan, filter_ensembles
from ._requests import DocRequests, output_type
from ._solver import LOGLIKELIHOODS

SCORER_NAME = "lm_eval"


def lm_eval_scorer(plan: Plan) -> Scorer:
    """Scores as lm-eval computes them, one inspect score key per lm-eval `metric,filter`.

    Per-document numbers that lm-eval averages (`acc,none`, `exact_match,strict-match`, ...) are the
    score's value, so inspect and the harness report their mean with a confidence interval. lm-eval's
    own aggregation (corpus-level metrics such as F1 or BLEU, and group scores with lm-eval's weighting)
    is the `lm_eval` metric.
    """

    @scorer(metrics=[lm_eval_results(plan), {"*": [mean()]}], name=SCORER_NAME)
    def lm_eval() -> Scorer:
        letter_choice = choice()

        async def score(state: TaskState, target: Target) -> Score:
            request = plan.requests[str(state.sample_id)]
            task = plan.task(request.task_name)
            # the same keys for every sample of the run, whichever way its choices are scored
            keys = plan.shared_mean_keys(plan.by_loglikelihood(str(state.model), strict=False))
            loglikelihoods = state.store.get(LOGLIKELIHOODS)
            responses: list[list[Any]]
            if output_type(task) == "generate_until":
                responses = [[state.output.completion]]
                scoring = "generate_until"
            elif loglikelihoods is not None:
                responses = [[(float(ll), bool(greedy))] for ll, greedy in loglikelihoods]
                scoring = "loglikelihood"
            else:
                return await _generated_choice(letter_choice, state, target, request, keys)
            metrics, filtered = process_document(task, request, responses)
            return Score(
                value={key: float(metrics[key]) for key in keys},
                answer=_answer(state, filtered, scoring),
                metadata={"lm_eval": _record(request, scoring, metrics, filtered)},
            )

        return score

    return lm_eval()


def process_document(
    task: Any, request: DocRequests, responses: list[list[Any]]
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """lm-eval's per-document metrics for the model's responses (one list per request).

    Each filter pipeline of the task runs over copies of the document's requests, then the task's
    `process_results` scores the filtered responses, as `lm_eval.evaluator.evaluate` does.

    Returns:
        `{"metric,filter": value}` and `{filter: [filtered response per request]}`.
    """
    instances = [
        dataclasses.replace(instance, resps=list(resps), filtered_resps={})
        for instance, resps in zip(request.instances, responses, strict=True)
    ]
    ensembles = filter_ensembles(task)
    for ensemble in ensembles:
        ensemble.apply(instances)
    metrics: dict[str, Any] = {}
    filtered: dict[str, list[Any]] = {}
    for ensemble in ensembles:
        filtered[ensemble.name] = [instance.filtered_resps[ensemble.name] for instance in instances]
        for metric, value in task.process_results(request.doc, filtered[ensemble.name]).items():
            metrics[f"{metric},{ensemble.name}"] = value
    return metrics, filtered


async def _generated_choice(
    letter_choice: Scorer, state: TaskState, target: Target, request: DocRequests, keys: list[str]
) -> Score:
    judged = await letter_choice(state, target)
    correct = 1.0 if judged is not None and judged.value == CORRECT else 0.0
    metrics = {GENERATED_CHOICE_KEY: correct}
    return Score(
        value={key: metrics[key] for key in keys},
        answer=judged.answer if judged is not None else None,
        explanation=judged.explanation if judged is not None else None,
        metadata={"lm_eval": _record(request, "generated_choice", metrics, {})},
    )


def _record(
    request: DocRequests, scoring: str, metrics: dict[str, Any], filtered: dict[str, list[Any]]
) -> dict[str, Any]:
    notes = {
        "loglikelihood": "choices scored by log-likelihood, as lm-eval",
        "generate_until": "generation scored by lm-eval's filters and metrics",
        "generated_choice": "inspect multiple_choice: the model wrote a letter; not lm-eval's acc, which "
        "scores each choice by its log-likelihood",
    }
    return {
        "task": request.task_name,
        "doc_id": request.doc_id,
        "scoring": scoring,
        "note": notes[scoring],
        "metrics": {key: jsonable(value) for key, value in metrics.items()},
        "filtered_resps": {key: jsonable(value) for key, value in filtered.items()},
    }


def _answer(state: TaskState, filtered: dict[str, list[Any]], scoring: str) -> str:
    if scoring == "loglikelihood":
        return state.output.completion
    first = next(iter(filtered.values()), [""])
    return str(first[0]) if first else ""


def jsonable(value: Any) -> Any:
    """lm-eval's per-document items (tuples, numpy numbers) as JSON-safe values."""
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    return value
