"""The User-Simulation Index: how far a simulated user is from people, on the same tasks.

`harness usi reference=A candidate=B` reads two sets of conversations (run directories or
conversations files), and `compute_usi` returns the `usi.json` document: behavioural features of
the user turns in four dimensions (D1-D4), calibration of task success over difficulty, agreement
of survey ratings, and their mean, each with a bootstrap 95% CI. See docs/users-in-the-loop.md.
"""

from __future__ import annotations

from typing import Any

from harness.usi._conversations import (
    Conversation,
    ConversationTurn,
    UsiInputError,
    conversation_schema,
    read_conversations,
    write_conversations,
)
from harness.usi._summary import NOT_MEASURED, measured_usi

__all__ = [
    "NOT_MEASURED",
    "Conversation",
    "ConversationTurn",
    "UsiInputError",
    "compute_usi",
    "conversation_schema",
    "measured_usi",
    "read_conversations",
    "read_run_conversations",
    "write_conversations",
]


def __getattr__(name: str) -> Any:
    # numpy and inspect load only when a computation or a run is asked for (harness --help stays light)
    if name == "compute_usi":
        from harness.usi._index import compute_usi

        return compute_usi
    if name == "read_run_conversations":
        from harness.usi._runs import read_run_conversations

        return read_run_conversations
    raise AttributeError(f"module 'harness.usi' has no attribute '{name}'")
