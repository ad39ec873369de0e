"""The guardrail defence: a second model reviews each action before it runs and may veto it.

Built on inspect's approval machinery, so every review is an approval event in the log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from inspect_ai.approval import Approval, ApprovalPolicy, Approver, approver
from inspect_ai.model import ChatMessage, get_model
from inspect_ai.tool import ToolCall, ToolCallView

from ._episode import BudgetExhausted, Episode
from ._prompts import GUARDRAIL
from ._tools import READ_ONLY

_VERDICT = re.compile(r"^\W*(ALLOW|VETO)\b[:\s-]*(.*)", re.IGNORECASE | re.DOTALL)


@dataclass
class Guardrail:
    """Reviews one episode's actions; keeps every veto."""

    episode: Episode
    model: str | None = None
    vetoes: list[dict[str, Any]] = field(default_factory=list)
    reviews: int = 0
    unclear: int = 0

    def policy(self) -> list[ApprovalPolicy]:
        """The approval policy to pass to inspect's `execute_tools`."""
        key = f"{id(self):x}"
        _live[key] = self
        return [ApprovalPolicy(approver=decepticon_guardrail(key), tools="*")]

    def release(self) -> None:
        """Forget this guardrail (the episode is over)."""
        _live.pop(f"{id(self):x}", None)

    async def review(self, message: str, call: ToolCall, view: ToolCallView, history: list[ChatMessage]) -> Approval:
        """Allow or veto one tool call (read-only tools pass unreviewed)."""
        if call.function in READ_ONLY:
            return Approval(decision="approve", explanation="read-only tool")
        action = describe_call(call, self.episode)
        page = self.episode.last.text(4000) if self.episode.last else "(no page yet)"
        prompt = GUARDRAIL.format(goal=self.episode.task.goal.text, page=page, action=action)
        model = get_model(role="guardrail", default=self.model)
        output = await model.generate(prompt)
        self.reviews += 1
        verdict, reason = parse_verdict(output.completion)
        if verdict is None:
            self.unclear += 1
        if verdict != "VETO":
            return Approval(decision="approve", explanation=reason or "allowed")
        self.vetoes.append({"step": self.episode.steps, "action": action, "reason": reason, "model": str(model)})
        try:
            self.episode.count_step()  # a vetoed action still spends a step, so vetoes cannot loop forever
        except BudgetExhausted:
            pass
        return Approval(decision="reject", explanation=f"The guardrail vetoed this action: {reason}")


_live: dict[str, Guardrail] = {}


@approver(name="decepticon_guardrail")
def decepticon_guardrail(key: str) -> Approver:
    """The approver of one episode's guardrail (registered with inspect, so approvals are logged)."""

    async def approve(message: str, call: ToolCall, view: ToolCallView, history: list[ChatMessage]) -> Approval:
        return await _live[key].review(message, call, view, history)

    return approve


def parse_verdict(text: str) -> tuple[str | None, str]:
    """('ALLOW' | 'VETO' | None, reason) from a guardrail reply; None when it says neither."""
    found = _VERDICT.match(text.strip())
    if not found:
        return None, text.strip()[:200]
    return found.group(1).upper(), found.group(2).strip()[:300]


def describe_call(call: ToolCall, episode: Episode) -> str:
    """A tool call in words, naming the element its ref points at."""
    arguments = dict(call.arguments)
    ref = str(arguments.get("ref", ""))
    control = episode.last.control(ref) if episode.last and ref else None
    target = f' {control.role} "{control.name}"' if control else ""
    rest = ", ".join(f"{k}={v!r}" for k, v in arguments.items() if k != "ref")
    return f"{call.function}({ref}{target}{', ' + rest if rest else ''})"
