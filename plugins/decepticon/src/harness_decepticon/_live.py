"""The live episode of each inspect sample: opened by a solver, read by the scorer, closed by the task's cleanup."""

from __future__ import annotations

import contextlib
from typing import Any, AsyncIterator

from inspect_ai.solver import TaskState
from inspect_ai.util import concurrency

from ._browser import STUCK_AFTER_S
from ._episode import Episode
from ._model import DecepticonTask
from ._snapshot import Snapshot

_episodes: dict[str, Episode] = {}


def sample_task(state: TaskState) -> DecepticonTask:
    """The DECEPTICON task a sample carries in its metadata."""
    try:
        document = state.metadata["decepticon_task"]
    except KeyError:
        raise RuntimeError(
            "this sample has no DECEPTICON task in its metadata; decepticon solvers and scorers run on task=decepticon"
        ) from None
    return DecepticonTask.model_validate(document)


@contextlib.asynccontextmanager
async def browser_turn() -> AsyncIterator[None]:
    """Hold one of the process's browser-action slots on inspect's side.

    Through inspect's `concurrency`, so the time a sample waits for the browser counts as waiting, not
    as working time (the task's limit is a working-time limit), and inspect's display shows the slots.
    """
    from ._browser import browser_service

    async with concurrency("decepticon browser", browser_service().limits.actions):
        yield


async def start_episode(state: TaskState) -> tuple[Episode, Snapshot]:
    """Open a fresh site and browser context for this sample (closing any earlier one of the same sample).

    Call it holding a `browser_turn()`.
    """
    stale = _episodes.pop(state.uuid, None)
    if stale is not None:
        await stale.service.run(stale.close, timeout=STUCK_AFTER_S)
    task = sample_task(state)
    episode = Episode(task, state.metadata["variant"])
    _episodes[state.uuid] = episode
    # no deadline: the start may wait for another episode to end (every browser step has its own timeout)
    snapshot = await episode.service.run(episode.open)
    return episode, snapshot


def live_episode(state: TaskState) -> Episode | None:
    """The sample's open episode, if a solver started one."""
    return _episodes.get(state.uuid)


def episode_outcome(state: TaskState) -> dict[str, Any] | None:
    """The sample's episode outcome (live), or None when no episode ran."""
    episode = _episodes.get(state.uuid)
    return episode.outcome() if episode else None


async def close_episode(state: TaskState) -> None:
    """Close the sample's episode (the task's cleanup calls this after scoring)."""
    episode = _episodes.pop(state.uuid, None)
    if episode is not None:
        async with browser_turn():
            await episode.service.run(episode.close, timeout=STUCK_AFTER_S)
