"""What makes samples a user's sessions, and their order.

A sample whose metadata has `harness_user` (any string) and `harness_session` (an integer) is one
session of that user (see `_sessions` for how they run). A run works out its users once
(`session_users`: the samples it covers after `limit`, by user, in session order) and gives them to
whichever way its samples run: the scheduler of one process, or the planner that keeps each user's
sessions in one shard.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from harness._errors import ConfigError

USER_KEY = "harness_user"
"""Sample metadata key: who the session belongs to."""
SESSION_KEY = "harness_session"
"""Sample metadata key: the session's place in the user's order (an integer)."""


def has_sessions(dataset: Any) -> bool:
    """Whether any sample of `dataset` belongs to a user's sessions."""
    return any(USER_KEY in (sample.metadata or {}) for sample in dataset)


def session_order(samples: Sequence[Any]) -> dict[str, list[Any]]:
    """Each user's samples in session order; users in the order their first sample appears.

    Raises:
        ConfigError: A session sample without an integer `harness_session`, or a user with two
            samples of the same session; the message names the sample.
    """
    users: dict[str, list[Any]] = {}
    for sample in samples:
        metadata = sample.metadata or {}
        if USER_KEY not in metadata:
            raise ConfigError(
                f"sample {sample.id!r} has no metadata '{USER_KEY}' while other samples do: "
                "give every sample a user (and a session), or none"
            )
        session = metadata.get(SESSION_KEY)
        if isinstance(session, bool) or not isinstance(session, int):
            raise ConfigError(f"sample {sample.id!r}: metadata '{SESSION_KEY}' must be an integer, got {session!r}")
        users.setdefault(str(metadata[USER_KEY]), []).append(sample)
    for user, sessions in users.items():
        sessions.sort(key=lambda s: s.metadata[SESSION_KEY])
        numbers = [s.metadata[SESSION_KEY] for s in sessions]
        if len(set(numbers)) != len(numbers):
            raise ConfigError(f"user {user!r} has two samples of the same session ({numbers}); number them apart")
    return users


def limited_samples(dataset: Any, limit: Any) -> list[Any]:
    """The samples a run covers (`limit`: an int, or `[start, stop]`), with the ids inspect gives id-less ones."""
    samples = list(dataset)
    for position, sample in enumerate(samples):  # the ids inspect would give id-less samples
        if sample.id is None:
            sample.id = position + 1
    if isinstance(limit, int):
        return samples[:limit]
    if isinstance(limit, (list, tuple)) and len(limit) == 2:
        return samples[limit[0] : limit[1]]
    return samples


def session_users(dataset: Any, limit: Any) -> dict[str, list[Any]] | None:
    """Each user's samples in session order, of the samples a run covers; None when no sample has a user.

    Raises:
        ConfigError: A session sample's metadata is broken (see `session_order`).
    """
    if not has_sessions(dataset):
        return None
    return session_order(limited_samples(dataset, limit))
