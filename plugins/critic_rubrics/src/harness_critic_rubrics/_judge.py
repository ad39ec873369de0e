"""The LLM judge: rubric items of a trace answered yes/no by inspect's `grader` model.

Items are asked in batches (one prompt per trace and batch). A reply is parsed per item; items a
reply leaves unanswered are asked again (`retries` times), then marked missing — never guessed.
Parsed answers are cached on disk by trace hash, rubric name, version and content digest, and
judge model, under `harness.cache_dir("critic_rubrics", "judgments")`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._rubric import Rubric, RubricItem
from ._trace import Trace

GRADER_ROLE = "grader"
"""inspect's model role for judges."""

PROMPT_VERSION = "1"
"""Bumped when the prompt changes, so cached answers of another prompt are not reused."""

_SYSTEM = (
    "You annotate one recorded agent trajectory. You are an outside observer, not the agent. "
    "Answer each question about the trajectory with yes or no, using only what the trajectory shows; "
    "when it does not show the behaviour, answer no."
)
_ANSWER = re.compile(
    r"^[\s\-*\d.)]*[\"'`*]*(?P<name>[a-z][a-z0-9_]*)[\"'`*]*\s*[:=\-]+\s*[\"'`*]*(?P<answer>yes|no|true|false)\b",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass
class JudgeStats:
    """Counts of one annotation pass: judgments asked, parsed from the first reply, after retries, missing."""

    asked: int = 0
    parsed_first: int = 0
    parsed_retry: int = 0
    missing: int = 0
    cached: int = 0
    calls: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def parsed(self) -> int:
        """Judgments with an answer (first reply, retries or cache)."""
        return self.parsed_first + self.parsed_retry + self.cached

    def summary(self) -> str:
        """One line for the console."""
        failed = f" ({len(self.errors)} failed, first: {self.errors[0][:200]})" if self.errors else ""
        return (
            f"LLM judgments: {self.parsed}/{self.asked} parsed ({self.cached} cached, {self.parsed_first} first reply, "
            f"{self.parsed_retry} after a retry), {self.missing} missing; {self.calls} model calls{failed}"
        )


def parse_answers(reply: str, names: list[str]) -> dict[str, int]:
    """Yes/no answers in a reply: a JSON object `{name: true|false|"yes"|"no"}` or `name: yes` lines."""
    found: dict[str, int] = {}
    start, end = reply.find("{"), reply.rfind("}")
    if start != -1 and end > start:
        try:
            data = json.loads(reply[start : end + 1])
        except ValueError:
            data = None
        if isinstance(data, dict):
            for name, value in data.items():
                answer = _truth(value)
                if name in names and answer is not None:
                    found[name] = answer
    for match in _ANSWER.finditer(reply):
        name = match["name"].lower()
        if name in names and name not in found:
            found[name] = 1 if match["answer"].lower() in ("yes", "true") else 0
    return found


def _truth(value: Any) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.strip().lower() in ("yes", "true", "no", "false"):
        return int(value.strip().lower() in ("yes", "true"))
    return None


def prompt(trace: Trace, items: list[RubricItem], max_chars: int) -> str:
    """The user prompt for one trace and a batch of items."""
    questions = "\n".join(f"- {item.name}: {item.question} (Evidence: {item.evidence})" for item in items)
    form = "\n".join(f"{item.name}: yes or no" for item in items)
    return (
        f"TRAJECTORY\n{trace.render(max_chars)}\nEND OF TRAJECTORY\n\nQUESTIONS\n{questions}\n\n"
        f"Reply with exactly one line per question, in this form:\n{form}"
    )


class Judge:
    """Answers rubric items for traces with an inspect model (default: the `grader` role).

    Args:
        model: An inspect model name or Model (None: `get_model(role="grader")`, which inside an eval is
            `model_roles.grader=...` and otherwise the default model).
        batch_size: Items per prompt.
        retries: Re-asks of items a reply left unanswered.
        max_tokens: Cap on reply tokens per prompt (a small local model writes ~50 tokens/s).
        max_chars: Characters of the trajectory shown.
        max_connections: Prompts in flight at once.
        cache: Use the on-disk cache.
    """

    def __init__(
        self,
        model: Any = None,
        batch_size: int = 6,
        retries: int = 1,
        max_tokens: int = 120,
        max_chars: int = 6_000,
        max_connections: int = 4,
        cache: bool = True,
    ) -> None:
        self._spec = model
        self._model: Any = None
        self.batch_size, self.retries, self.max_tokens = batch_size, retries, max_tokens
        self.max_chars, self.cache, self.max_connections = max_chars, cache, max_connections
        self._limits: dict[int, asyncio.Semaphore] = {}
        self.stats = JudgeStats()

    @property
    def model(self) -> Any:
        """The inspect Model (resolved on first use)."""
        if self._model is None:
            from inspect_ai.model import get_model

            from harness import install_offline_token_counting

            install_offline_token_counting()
            self._model = get_model(self._spec) if self._spec is not None else get_model(role=GRADER_ROLE)
        return self._model

    @property
    def name(self) -> str:
        """The judge model's name (part of the cache key)."""
        return str(self.model)

    async def judge(self, trace: Trace, rubric: Rubric, items: list[RubricItem]) -> dict[str, int | None]:
        """Answers for `items` of `trace` (None = missing after the retries)."""
        cached = self._read_cache(trace, rubric)
        answers: dict[str, int | None] = {i.name: cached[i.name] for i in items if i.name in cached}
        self.stats.asked += len(items)
        self.stats.cached += len(answers)
        todo = [i for i in items if i.name not in answers]
        batches = [todo[n : n + self.batch_size] for n in range(0, len(todo), self.batch_size)]
        for result in await asyncio.gather(*(self._batch(trace, batch) for batch in batches)):
            answers.update(result)
        fresh = {k: v for k, v in answers.items() if v is not None and k not in cached}
        if fresh:
            self._write_cache(trace, rubric, {**cached, **fresh})
        return answers

    async def _batch(self, trace: Trace, batch: list[RubricItem]) -> dict[str, int | None]:
        answers: dict[str, int | None] = {}
        remaining = list(batch)
        for attempt in range(self.retries + 1):
            reply = await self._ask(trace, remaining)
            parsed = parse_answers(reply, [i.name for i in remaining])
            answers.update(parsed)
            if attempt == 0:
                self.stats.parsed_first += len(parsed)
            else:
                self.stats.parsed_retry += len(parsed)
            remaining = [i for i in remaining if i.name not in parsed]
            if not remaining:
                break
        self.stats.missing += len(remaining)
        answers.update({i.name: None for i in remaining})
        return answers

    async def _ask(self, trace: Trace, items: list[RubricItem]) -> str:
        from inspect_ai.model import ChatMessageSystem, ChatMessageUser, GenerateConfig

        messages = [ChatMessageSystem(content=_SYSTEM), ChatMessageUser(content=prompt(trace, items, self.max_chars))]
        config = GenerateConfig(max_tokens=self.max_tokens, temperature=0.0)
        loop = id(asyncio.get_running_loop())  # one semaphore per event loop (each asyncio.run has its own)
        limit = self._limits.setdefault(loop, asyncio.Semaphore(self.max_connections))
        async with limit:
            self.stats.calls += 1
            try:
                output = await self.model.generate(messages, config=config)
            except Exception as ex:  # a failed call is a missing answer, like an unparsable one
                self.stats.errors.append(f"{type(ex).__name__}: {ex}")
                return ""
        return str(output.completion or "")

    def _cache_file(self, trace: Trace, rubric: Rubric) -> Path:
        from harness import cache_dir

        model = hashlib.sha256(f"{self.name}|{PROMPT_VERSION}|{self.max_chars}".encode()).hexdigest()[:16]
        folder = f"{rubric.name}-{rubric.version}-{rubric.digest}"
        return cache_dir("critic_rubrics", "judgments", model, folder, f"{trace.hash}.json")

    def _read_cache(self, trace: Trace, rubric: Rubric) -> dict[str, int]:
        if not self.cache:
            return {}
        path = self._cache_file(trace, rubric)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {k: int(v) for k, v in data.items() if v in (0, 1)} if isinstance(data, dict) else {}

    def _write_cache(self, trace: Trace, rubric: Rubric, answers: dict[str, int | None]) -> None:
        if not self.cache:
            return
        path = self._cache_file(trace, rubric)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as file:
                json.dump(answers, file)
            os.replace(file.name, path)
        except OSError:  # a read-only or full cache costs only re-asking next time
            pass
