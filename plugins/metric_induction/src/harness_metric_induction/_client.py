"""One small client for every LLM step: JSON replies validated by a schema, retried, then a clear error."""

from __future__ import annotations

import json
import re
from typing import Any

from harness import HarnessError

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


GRADER_ROLE = "grader"
"""inspect's model role for judges (as in inspect's own model_graded_qa)."""


class InductionError(HarnessError):
    """An induction step could not be completed (e.g. the model never gave a valid reply)."""


def extract_json(text: str) -> Any:
    """The JSON value in a reply: a fenced block, else the outermost {...} or [...]."""
    fenced = _FENCE.search(text)
    candidates = [fenced.group(1)] if fenced else []
    for opener, closer in (("{", "}"), ("[", "]")):
        start, end = text.find(opener), text.rfind(closer)
        if start != -1 and end > start:
            candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    raise ValueError("no JSON found in the reply")


class StructuredClient:
    """Ask an inspect model for JSON matching a schema.

    Args:
        model: An inspect model string or Model (default: inspect's active/default model).
        retries: Extra attempts after a malformed reply; the model is told what was wrong.
        model_args: Provider arguments when `model` is a string.
    """

    def __init__(self, model: Any = None, retries: int = 2, **model_args: Any) -> None:
        self._model_spec = model
        self._model_args = model_args
        self.retries = retries
        self._model: Any = None

    @property
    def model(self) -> Any:
        from inspect_ai.model import Model, get_model

        if self._model is None:
            from harness import install_offline_token_counting

            install_offline_token_counting()  # keep mockllm/local runs offline, as harness eval does
            spec = self._model_spec
            if isinstance(spec, Model):
                self._model = spec
            elif spec is None:  # the run's judge: the grader role (model_roles.grader=...), else the model
                self._model = get_model(role=GRADER_ROLE)
            else:
                self._model = get_model(spec, **self._model_args)
        return self._model

    @property
    def name(self) -> str:
        return str(self.model)

    async def ask(self, prompt: str, schema: dict[str, Any], system: str | None = None) -> Any:
        """The model's JSON reply to `prompt`, valid against `schema`.

        Raises:
            InductionError: No valid reply after the last retry; names the model and the last problem.
        """
        import jsonschema
        from inspect_ai.model import ChatMessageAssistant, ChatMessageSystem, ChatMessageUser

        messages: list[Any] = [ChatMessageSystem(content=system)] if system else []
        messages.append(
            ChatMessageUser(
                content=f"{prompt}\n\nReply with JSON only, matching this JSON Schema:\n{json.dumps(schema)}"
            )
        )
        problem = ""
        for _ in range(self.retries + 1):
            reply = (await self.model.generate(messages)).completion
            try:
                value = extract_json(reply)
                jsonschema.validate(value, schema)
                return value
            except (ValueError, jsonschema.ValidationError) as ex:
                problem = ex.message if isinstance(ex, jsonschema.ValidationError) else str(ex)
                messages += [
                    ChatMessageAssistant(content=reply),
                    ChatMessageUser(content=f"That reply was not valid ({problem}). Reply with the JSON only."),
                ]
        raise InductionError(
            f"{self.name} gave no valid JSON after {self.retries + 1} attempt(s): {problem}. "
            "Try a stronger judge/generator model (judge.model=...) or more retries"
        )
