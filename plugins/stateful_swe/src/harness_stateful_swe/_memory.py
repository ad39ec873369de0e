"""The agent's memory of a user: `harness.user_memory()` when the sample is a session, else nothing."""

from __future__ import annotations

from typing import Any

from harness import HarnessError, UserMemory, user_memory


def session_memory() -> UserMemory | None:
    """The current user's memory, or None outside a harness session sample (e.g. a bare inspect run)."""
    try:
        return user_memory()
    except HarnessError:
        return None


def remembered(key: str, default: Any) -> Any:
    """A value from the user's memory (`default` without one)."""
    memory = session_memory()
    value = memory.get(key) if memory is not None else None
    return default if value is None else value


def remember(key: str, value: Any) -> None:
    """Store a value in the user's memory, when there is one."""
    memory = session_memory()
    if memory is not None:
        memory.set(key, value)
