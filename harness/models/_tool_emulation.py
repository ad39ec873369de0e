"""Tool calls for models without native tool support: inspect's <tool_call> JSON emulation.

The tools' JSON schemas go into a system message; the model answers with
`<tool_call>{"name": ..., "arguments": {...}}</tool_call>`, which is parsed back into inspect
ToolCalls (a malformed call becomes a parse error the agent sees). Tool results go back to the
model as user messages, since small chat templates often have no `tool` role.
"""

from __future__ import annotations

from inspect_ai.model import ChatMessageTool
from inspect_ai.model._providers.util import Llama31Handler  # private: re-check on inspect upgrades
from inspect_ai.model._providers.util.chatapi import ChatAPIMessage


class ToolCallEmulation(Llama31Handler):
    """inspect's Llama 3.1-style tool emulation, with tool results sent as user turns."""

    def tool_message(self, message: ChatMessageTool) -> ChatAPIMessage:
        body = f"Error: {message.error.message}" if message.error else message.text
        return {"role": "user", "content": f'<tool_response name="{message.function}">\n{body}\n</tool_response>'}
