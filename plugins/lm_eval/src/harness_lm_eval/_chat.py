"""Chat prompts as lm-eval builds them, carried through lm-eval's string-typed requests as JSON.

lm-eval renders a chat prompt by calling the model's `apply_chat_template(messages)`, which returns
the string that goes into the request. Like lm-eval's own chat-API backends, we return the messages
themselves (JSON), so the plugin can hand them to inspect as chat messages and a llama.cpp model can
render them with its own template.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

_MARK = '{"lm_eval_chat":'


@dataclass(frozen=True)
class ChatPrompt:
    """A chat prompt decoded from a request string.

    Attributes:
        messages: `{"role": ..., "content": ...}` dicts in order.
        add_generation_prompt: False when the last message is an assistant prefix to continue.
    """

    messages: list[dict[str, str]]
    add_generation_prompt: bool


def chat_template(chat_history: list[dict[str, Any]], add_generation_prompt: bool = True) -> str:
    """lm-eval's `chat_template` callable: encode the messages lm-eval built as a JSON request string."""
    messages = [{"role": str(m["role"]), "content": str(m["content"])} for m in chat_history]
    return json.dumps({"lm_eval_chat": messages, "add_generation_prompt": add_generation_prompt}, ensure_ascii=False)


def parse_chat(prompt: str) -> ChatPrompt | None:
    """The chat prompt encoded in `prompt`, or None for a plain-text prompt."""
    if not prompt.startswith(_MARK):
        return None
    data = json.loads(prompt)
    return ChatPrompt(messages=data["lm_eval_chat"], add_generation_prompt=bool(data["add_generation_prompt"]))


def inspect_messages(chat: ChatPrompt) -> list[Any]:
    """The prompt as inspect chat messages."""
    from inspect_ai.model import ChatMessageAssistant, ChatMessageSystem, ChatMessageUser

    kinds = {"system": ChatMessageSystem, "user": ChatMessageUser, "assistant": ChatMessageAssistant}
    return [kinds[m["role"]](content=m["content"]) for m in chat.messages]
