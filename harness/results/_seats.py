"""Who sat in a run's user seat, read from its record's parameters.

A run's user is a simulator named by `simulator=` (the task's own user), a model role
`model_roles.user=sim/NAME` (or any model in that role), or a person (`human`, in the terminal or on
a web page with `seat=web`). Comparisons and leaderboards show it, so that a score measured with a
simulator is never read as one measured with people.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

HUMAN = "human"
"""The simulator a person sits in for."""
SEAT_PREFIX = "sim/"
"""A model given as `sim/NAME` seats the harness simulator NAME there (see `harness.models`)."""


def user_seat(params: Mapping[str, Any]) -> str | None:
    """The user seat of a run: `oracle`, `llm`, `human (web)`, `openai/gpt-4o`...; None when the task has none.

    The task's `simulator=` wins over a `user` model role (a run cannot set both to different
    simulators); a person's seat names where they sat.
    """
    name = params.get("simulator")
    if not name:
        role = (params.get("model_roles") or {}).get("user")
        if isinstance(role, Mapping):
            role = role.get("model")
        if not role:
            return None
        name = str(role).removeprefix(SEAT_PREFIX)
    return f"{HUMAN} ({seat_kind(params)})" if name == HUMAN else str(name)


def seat_kind(params: Mapping[str, Any]) -> str:
    """Where a person sat: `terminal` (the default) or `web`."""
    seat = params.get("seat") or {}
    if isinstance(seat, str):
        return seat
    return str(seat.get("kind", "terminal"))


def is_person(seat: str | None) -> bool:
    """Whether `seat` (from `user_seat`) is a person."""
    return bool(seat) and str(seat).startswith(HUMAN)
