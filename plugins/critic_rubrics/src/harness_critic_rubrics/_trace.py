"""A trajectory as the annotators see it: user turns, agent turns, tool calls and their results."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable

MAX_RENDER_CHARS = 6_000
"""Characters of a trajectory shown to the LLM judge (head and tail kept)."""


@dataclass(frozen=True)
class Call:
    """One tool call of the agent.

    Attributes:
        id: The call id (links the tool result).
        function: Tool name.
        arguments: Tool arguments.
    """

    id: str
    function: str
    arguments: dict[str, Any]

    @property
    def key(self) -> str:
        """Identity of the call: tool name and canonical arguments (equal keys = identical calls)."""
        return f"{self.function}({json.dumps(self.arguments, sort_keys=True, default=str)})"

    @property
    def command(self) -> str:
        """The command text of a shell-like call (`cmd`, `command` or `code`), else its arguments as JSON."""
        for name in ("cmd", "command", "code", "script"):
            value = self.arguments.get(name)
            if isinstance(value, str):
                return value
        return json.dumps(self.arguments, sort_keys=True, default=str)


@dataclass(frozen=True)
class Step:
    """One message of the trajectory.

    Attributes:
        role: `system`, `user`, `assistant` or `tool`.
        text: The message text.
        calls: Tool calls (assistant steps).
        call_id: The call this result answers (tool steps).
        error: The tool error message, when the tool reported one.
    """

    role: str
    text: str
    calls: tuple[Call, ...] = ()
    call_id: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Action:
    """A tool call paired with its result (None when the trace ends before the result)."""

    index: int
    call: Call
    result: Step | None


@dataclass(frozen=True)
class Trace:
    """One trajectory (an inspect log sample, or a running sample's messages).

    Attributes:
        sample_id: The sample id, as text.
        epoch: The epoch (attempt) number, from 1.
        steps: The messages in order.
        run: The log it came from ("" for a running sample).
        task: The task name.
        error: The sample's error message, if the sample ended in error.
    """

    sample_id: str
    epoch: int
    steps: tuple[Step, ...]
    run: str = ""
    task: str = ""
    error: str | None = None

    @cached_property
    def hash(self) -> str:
        """SHA-256 of the trajectory's content (roles, texts, calls, results): the judgment cache key."""
        content = [[s.role, s.text, [c.key for c in s.calls], s.call_id, s.error] for s in self.steps]
        return hashlib.sha256(json.dumps([content, self.error]).encode()).hexdigest()

    @property
    def key(self) -> str:
        """`sample_id` and epoch, as shown in tables (`id#epoch`)."""
        return f"{self.sample_id}#{self.epoch}"

    def user_turns(self) -> list[str]:
        """Texts of the user's messages in order (the first is the request)."""
        return [s.text for s in self.steps if s.role == "user"]

    def final_answer(self) -> str:
        """Text of the last assistant message ("" when there is none)."""
        for step in reversed(self.steps):
            if step.role == "assistant":
                return step.text
        return ""

    def actions(self) -> list[Action]:
        """Every tool call in order, with its result."""
        results = {s.call_id: s for s in self.steps if s.role == "tool" and s.call_id}
        calls = [c for s in self.steps if s.role == "assistant" for c in s.calls]
        return [Action(i, c, results.get(c.id)) for i, c in enumerate(calls)]

    def render(self, max_chars: int = MAX_RENDER_CHARS) -> str:
        """The trajectory as text for a judge; a long one keeps its start and end."""
        lines = []
        for step in self.steps:
            if step.role == "system":
                continue
            text = step.text.strip()
            text += "".join(f"\n  [call] {c.function}: {c.command}" for c in step.calls)
            if step.error:
                text += f"\n  [tool error] {step.error}"
            lines.append(f"{step.role.upper()}: {text}")
        if self.error:
            lines.append(f"[sample error] {self.error}")
        text = "\n".join(lines)
        if len(text) <= max_chars:
            return text
        half = max_chars // 2
        return text[:half] + "\n[... middle of the trajectory left out ...]\n" + text[-half:]


def trace_from_messages(
    messages: Iterable[Any], sample_id: Any, epoch: int = 1, run: str = "", task: str = "", error: str | None = None
) -> Trace:
    """A Trace from inspect chat messages (`EvalSample.messages` or `TaskState.messages`)."""
    steps = []
    for message in messages:
        calls = tuple(
            Call(str(c.id), str(c.function), dict(c.arguments or {}))
            for c in getattr(message, "tool_calls", None) or []
        )
        tool_error = getattr(message, "error", None)
        steps.append(
            Step(
                role=str(message.role),
                text=message.text or "",
                calls=calls,
                call_id=getattr(message, "tool_call_id", None),
                error=tool_error.message if tool_error is not None else None,
            )
        )
    return Trace(str(sample_id), int(epoch or 1), tuple(steps), run, task, error)
