"""Messages between the two agents: a mailbox per sample and the `send_message` tool.

A message is queued for its recipient and shown to it before its next model call, as
`[Message from agent1]: ...`. The sender may wait (up to a limit) for a reply, which the tool then
returns. Every message goes to the transcript and to the sample store (`cooperbench:messages`).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import anyio
from inspect_ai.tool import Tool, ToolError, tool

STORE_KEY = "cooperbench:messages"


@dataclass(frozen=True)
class Message:
    """One message, with seconds since the sample's agents started."""

    sender: str
    recipient: str
    text: str
    at: float


@dataclass
class Mailbox:
    """The messages of one sample: a queue per agent, and the log of everything sent."""

    agents: tuple[str, ...]
    log: list[Message] = field(default_factory=list)
    _queues: dict[str, list[Message]] = field(default_factory=dict)
    _arrived: dict[str, anyio.Event] = field(default_factory=dict)
    _start: float = field(default_factory=time.monotonic)

    def send(self, sender: str, recipient: str, text: str) -> Message:
        """Queue `text` for `recipient`, record it in the transcript and the store."""
        from inspect_ai.log import transcript
        from inspect_ai.util import store

        message = Message(sender, recipient, text, round(time.monotonic() - self._start, 3))
        self.log.append(message)
        self._queues.setdefault(recipient, []).append(message)
        self._arrived.pop(recipient, anyio.Event()).set()
        transcript().info({"cooperbench_message": asdict(message)}, source="cooperbench")
        store().set(STORE_KEY, [asdict(m) for m in self.log])
        return message

    def take(self, agent: str) -> list[Message]:
        """The messages waiting for `agent` (removed from its queue)."""
        return self._queues.pop(agent, [])

    async def wait(self, agent: str, timeout: float) -> list[Message]:
        """Wait up to `timeout` seconds for a message to `agent`, then take what has arrived."""
        if not self._queues.get(agent):
            event = self._arrived.setdefault(agent, anyio.Event())
            with anyio.move_on_after(timeout):
                await event.wait()
        return self.take(agent)


def render(message: Message) -> str:
    """How a message appears in the recipient's conversation."""
    return f"[Message from {message.sender}]: {message.text}"


@tool
def send_message(mailbox: Mailbox, sender: str, max_wait: int = 120) -> Tool:
    """The messaging tool of agent `sender`.

    Args:
        mailbox: The sample's mailbox.
        sender: The agent using the tool.
        max_wait: Longest wait for a reply the tool allows, in seconds.
    """
    others = [a for a in mailbox.agents if a != sender]

    async def execute(to: str, text: str, wait_seconds: int = 0) -> str:
        """Send a message to your teammate. They see it before their next step.

        Args:
            to: The recipient's name.
            text: The message: what you plan to change, what you need, what you finished.
            wait_seconds: Wait this many seconds (0 = do not wait) for a reply, which is then returned.
        """
        if to not in others:
            raise ToolError(f"unknown recipient {to!r}; you can message: {', '.join(others)}")
        if not text.strip():
            raise ToolError("the message is empty")
        mailbox.send(sender, to, text)
        if wait_seconds <= 0:
            return f"Message sent to {to}."
        replies = await mailbox.wait(sender, min(wait_seconds, max_wait))
        if not replies:
            return f"Message sent to {to}; no reply within {min(wait_seconds, max_wait)} seconds."
        return f"Message sent to {to}. Replies:\n" + "\n".join(render(m) for m in replies)

    return execute
