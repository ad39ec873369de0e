"""lm-eval's own requests for each document, and the inspect samples made from them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from harness import ConfigError

from ._chat import chat_template, inspect_messages, parse_chat


@dataclass(frozen=True)
class RenderOptions:
    """How lm-eval renders prompts (its `--apply_chat_template`, `--fewshot_as_multiturn`, `--system_instruction`)."""

    apply_chat_template: bool = True
    fewshot_as_multiturn: bool = True
    system_instruction: str | None = None


@dataclass(frozen=True)
class DocRequests:
    """One document of one lm-eval task with the requests lm-eval built for it.

    Attributes:
        task_name: The leaf task.
        doc_id: The document's index in the task's evaluation split.
        doc: The document.
        instances: lm-eval `Instance`s for the document, ordered by `idx` (one per choice for
            multiple choice; the context, few-shot examples included, is `instances[0].args[0]`).
    """

    task_name: str
    doc_id: int
    doc: Any
    instances: list[Any]

    @property
    def sample_id(self) -> str:
        return f"{self.task_name}/{self.doc_id}"


def build_requests(task_name: str, task: Any, options: RenderOptions, limit: int | None = None) -> list[DocRequests]:
    """Every document's requests (the first `limit`), built by lm-eval's `Task.build_all_requests` (its
    sampler draws the few-shot examples document by document, so a document sees the examples lm-eval
    would give it).
    """
    if options.apply_chat_template and task.get_config("gen_prefix"):
        raise ConfigError(
            f"lm-eval task '{task_name}' starts answers with a gen_prefix, which needs assistant prefill; "
            "run it with task.apply_chat_template=false"
        )
    task.build_all_requests(
        apply_chat_template=options.apply_chat_template,
        fewshot_as_multiturn=options.fewshot_as_multiturn and options.apply_chat_template,
        system_instruction=options.system_instruction,
        chat_template=chat_template if options.apply_chat_template else None,
        cache_requests=False,
        limit=limit,
    )
    by_doc: dict[int, list[Any]] = defaultdict(list)
    for instance in task.instances:
        by_doc[instance.doc_id].append(instance)
    return [
        DocRequests(task_name, doc_id, instances[0].doc, sorted(instances, key=lambda i: i.idx))
        for doc_id, instances in sorted(by_doc.items())
    ]


def output_type(task: Any) -> str:
    """The task's lm-eval output type (`multiple_choice` tasks send `loglikelihood` requests)."""
    return str(task.get_config("output_type"))


def to_sample(request: DocRequests, task: Any) -> Any:
    """An inspect `Sample` for one document: lm-eval's prompt as input, its target, its choices."""
    from inspect_ai.dataset import Sample

    kind = output_type(task)
    context = request.instances[0].args[0]
    chat = parse_chat(context)
    metadata = {"lm_eval_task": request.task_name, "doc_id": request.doc_id, "output_type": kind}
    if kind == "generate_until":
        return Sample(
            id=request.sample_id,
            input=inspect_messages(chat) if chat else context,
            target=_generation_target(task, request.doc),
            metadata=metadata,
        )
    choices = [str(c) for c in task.doc_to_choice(request.doc)] if task.get_config("doc_to_choice") else []
    return Sample(
        id=request.sample_id,
        input=inspect_messages(chat) if chat else context,
        target=_choice_target(task, request.doc, choices) if choices else str(task.doc_to_target(request.doc)),
        choices=choices or None,
        metadata=metadata,
    )


def _generation_target(task: Any, doc: Any) -> str | list[str]:
    gold = task.doc_to_target(doc)
    if task.get_config("doc_to_choice") is not None and isinstance(gold, int):
        return str(task.doc_to_choice(doc)[gold])
    if isinstance(gold, list):
        return [str(g) for g in gold]
    return str(gold)


def _choice_target(task: Any, doc: Any, choices: list[str]) -> str | list[str]:
    """The gold choice as inspect's letter (A, B, ...), for inspect's `multiple_choice` solver."""
    gold = task.doc_to_text(doc) if getattr(task, "multiple_input", None) else task.doc_to_target(doc)
    golds = gold if isinstance(gold, list) else [gold]
    letters = []
    for g in golds:
        index = g if isinstance(g, int) else (choices.index(g) if g in choices else -1)
        if 0 <= index < len(choices):
            letters.append(chr(ord("A") + index))
    return letters if len(letters) > 1 else (letters[0] if letters else "")
