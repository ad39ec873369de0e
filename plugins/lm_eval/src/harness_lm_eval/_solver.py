"""Getting lm-eval's responses from an inspect model: generations, or log-likelihoods of choices."""

from __future__ import annotations

from typing import Any

from harness import ConfigError
from inspect_ai.model import ModelOutput, get_model
from inspect_ai.solver import Generate, Solver, TaskState, multiple_choice, solver

from ._llama_lm import LlamaCppLM
from ._local import DEFAULT_CONTEXT, local_llama
from ._plan import Plan
from ._requests import output_type

LOGLIKELIHOODS = "lm_eval_loglikelihoods"
"""Sample store key: `[log-likelihood, greedy]` per request of the document, in lm-eval's order."""

_lms: dict[int, LlamaCppLM] = {}


@solver
def lm_eval_solver(plan: Plan) -> Solver:
    """lm-eval's requests for the sample's document, answered by the model under evaluation.

    `generate_until` tasks generate with the task's `until` strings as stop sequences. Multiple
    choice tasks score each choice by log-likelihood where the model can give it (llama.cpp
    `local/` models); otherwise inspect's `multiple_choice` solver asks the model for a letter.
    """
    choose_by_letter = multiple_choice()

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        request = plan.requests[str(state.sample_id)]
        task = plan.task(request.task_name)
        kind = output_type(task)
        if kind == "generate_until":
            return await generate(state, **_generation_args(request.instances[0].args[1]))
        model = get_model()
        if plan.by_loglikelihood(str(model)):
            import anyio

            lm = _lm_for(str(model), model.model_args)
            results = await anyio.to_thread.run_sync(lm.loglikelihood, request.instances)
            state.store.set(LOGLIKELIHOODS, [[float(ll), bool(greedy)] for ll, greedy in results])
            if state.choices:
                best = (
                    max(range(len(results)), key=lambda i: results[i][0]) if len(results) == len(state.choices) else 0
                )
                state.output = ModelOutput.from_content(str(model), state.choices[best].value)
            return state
        if kind != "multiple_choice" or getattr(task, "multiple_input", None):
            raise ConfigError(
                f"lm-eval task '{request.task_name}' can only be scored by log-likelihood; "
                f"model {model} cannot give them (use a local/ llama.cpp model)"
            )
        return await choose_by_letter(state, generate)

    return solve


def _generation_args(gen_kwargs: dict[str, Any] | None) -> dict[str, Any]:
    """Per-document generation settings: the task's stop strings (`until`)."""
    until = (gen_kwargs or {}).get("until") or []
    return {"stop_seqs": [until] if isinstance(until, str) else list(until)} if until else {}


def _lm_for(model_name: str, model_args: dict[str, Any]) -> LlamaCppLM:
    llama = local_llama(model_name, n_ctx=int(model_args.get("n_ctx", DEFAULT_CONTEXT)))
    if id(llama) not in _lms:
        _lms[id(llama)] = LlamaCppLM(llama)
    return _lms[id(llama)]
