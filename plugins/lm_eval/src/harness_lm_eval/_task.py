"""The `lm_eval` task: any lm-evaluation-harness task, group or tag as an inspect Task."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from inspect_ai import Task
from inspect_ai.dataset import MemoryDataset
from inspect_ai.model import GenerateConfig

from ._llama_lm import DEFAULT_MAX_GEN_TOKS
from ._loading import DEFAULT_FEWSHOT_SEED, LoadedTasks, load_tasks
from ._plan import Plan
from ._requests import RenderOptions, build_requests, output_type, to_sample
from ._scorer import lm_eval_scorer
from ._solver import lm_eval_solver


def lm_eval(
    name: str,
    include_path: str | None = None,
    num_fewshot: int | None = None,
    fewshot_seed: int = DEFAULT_FEWSHOT_SEED,
    apply_chat_template: bool = True,
    fewshot_as_multiturn: bool = True,
    system_instruction: str | None = None,
    multiple_choice: Literal["auto", "loglikelihood", "generate"] = "auto",
    limit: int | None = None,
    confirm_run_unsafe_code: bool = False,
) -> Task:
    """Run an lm-evaluation-harness task, group or tag with lm-eval's own prompts, filters and metrics.

    Args:
        name: lm-eval task, group or tag name (gsm8k, mmlu, arc_easy, ...) or a task YAML file.
        include_path: Directory of your own lm-eval YAML tasks (as lm-eval's --include_path).
        num_fewshot: Few-shot examples per prompt; default: the task's own (tasks pinned to 0 stay 0).
        fewshot_seed: Seed of lm-eval's few-shot sampler (lm-eval's default 1234).
        apply_chat_template: Build chat messages as lm-eval's --apply_chat_template does; false sends
            lm-eval's plain-text prompt as one user message (log-likelihoods then score the raw text).
        fewshot_as_multiturn: With the chat template, few-shot examples as user/assistant turns.
        system_instruction: System message placed before the prompt (lm-eval's --system_instruction).
        multiple_choice: How multiple-choice tasks are scored: loglikelihood of each choice (lm-eval's
            way; local/ llama.cpp models), generate (inspect's multiple_choice: the model writes a
            letter, reported as generated_choice_accuracy), or auto (loglikelihood when the model can).
        limit: First N documents of each task (lm-eval's --limit); the harness's limit= instead cuts
            the run's whole sample list, which for a group means the first tasks only.
        confirm_run_unsafe_code: Allow tasks that execute model-written code.
    """
    loaded = load_tasks(
        name,
        include_path=include_path,
        num_fewshot=num_fewshot,
        fewshot_seed=fewshot_seed,
        confirm_run_unsafe_code=confirm_run_unsafe_code,
    )
    options = RenderOptions(apply_chat_template, fewshot_as_multiturn, system_instruction)
    requests = {}
    samples = []
    for task_name, task in loaded.tasks.items():
        for request in build_requests(task_name, task, options, limit):
            requests[request.sample_id] = request
            samples.append(to_sample(request, task))
    plan = Plan(loaded, requests, options, multiple_choice)
    title = Path(name).stem if name.endswith((".yaml", ".yml")) else name
    return Task(
        dataset=MemoryDataset(samples, name=title),
        solver=lm_eval_solver(plan),
        scorer=lm_eval_scorer(plan),
        config=_generate_config(loaded),
        name=f"lm_eval/{title}",
        version=_version(loaded),
        metadata=_metadata(loaded, options, multiple_choice),
    )


def _generate_config(loaded: LoadedTasks) -> GenerateConfig:
    """Length and sampling from the (first) generating task's `generation_kwargs`; harness options
    (`temperature=`, `max_tokens=`) override them. Stop strings are set per document by the solver."""
    for task in loaded.tasks.values():
        if output_type(task) == "generate_until":
            kwargs = dict(task.get_config("generation_kwargs") or {})
            sampling = bool(kwargs.get("do_sample", False))
            return GenerateConfig(
                max_tokens=int(kwargs.get("max_gen_toks", DEFAULT_MAX_GEN_TOKS)),
                temperature=float(kwargs.get("temperature", 1.0)) if sampling else 0.0,
                top_p=float(kwargs["top_p"]) if sampling and "top_p" in kwargs else None,
            )
    return GenerateConfig()


def _version(loaded: LoadedTasks) -> str:
    versions = {name: getattr(task, "VERSION", None) for name, task in loaded.tasks.items()}
    if len(versions) == 1:
        return f"{next(iter(versions.values()))}"
    group = loaded.groups.get(loaded.name)
    return str(group.version) if group is not None else "N/A"


def _metadata(loaded: LoadedTasks, options: RenderOptions, choice_scoring: str) -> dict[str, Any]:
    return {
        "lm_eval_version": metadata.version("lm-eval"),
        "lm_eval_name": loaded.name,
        "lm_eval_tasks": {
            name: {
                "version": str(getattr(task, "VERSION", None)),
                "output_type": output_type(task),
                "num_fewshot": task.get_config("num_fewshot"),
            }
            for name, task in loaded.tasks.items()
        },
        "lm_eval_groups": {name: group.child_names for name, group in loaded.groups.items()},
        "apply_chat_template": options.apply_chat_template,
        "fewshot_as_multiturn": options.fewshot_as_multiturn and options.apply_chat_template,
        "system_instruction": options.system_instruction,
        "multiple_choice": choice_scoring,
    }
