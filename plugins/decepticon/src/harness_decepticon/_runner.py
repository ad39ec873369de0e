"""Running scripted policies over tasks in real Chromium (tests, the bench, `harness decepticon check`)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Iterable

from ._browser import BrowserService, browser_service
from ._episode import ActionError, Episode
from ._model import DecepticonTask, Variant
from ._policies import POLICIES, Action, Memory, Policy
from ._snapshot import Snapshot


async def perform(episode: Episode, action: Action) -> Snapshot:
    """Do a policy's action in the episode (one step of the budget)."""
    episode.count_step()
    if action.kind == "click":
        return await episode.click(action.ref)
    if action.kind == "type":
        return await episode.type(action.ref, action.text)
    if action.kind == "select":
        return await episode.select(action.ref, action.text)
    raise ValueError(f"not an action to perform: {action.kind}")


async def drive(episode: Episode, policy: Policy, snapshot: Snapshot, screenshots: Path | None = None) -> list[str]:
    """Let `policy` act until it stops or the budget is spent; returns its trace (one line per action).

    With `screenshots`, the page is saved there before each action (and at the end) as NN.jpg.
    """
    memory = Memory()
    trace = []
    while True:
        if screenshots is not None:
            await _save_screenshot(episode, screenshots / f"{episode.steps:02d}.jpg")
        if not episode.budget_left:
            break
        action = policy.decide(episode.task.goal, snapshot, memory)
        if action.kind == "stop":
            trace.append(f"stop: {action.why}")
            break
        control = snapshot.control(action.ref)
        name = control.name if control is not None else action.ref
        trace.append(
            f"{snapshot.path}: {action.kind} {name!r}{' ' + repr(action.text) if action.text else ''} ({action.why})"
        )
        try:
            snapshot = await perform(episode, action)
        except ActionError as ex:
            trace.append(f"  error: {ex}")
            snapshot = await episode.observe()
    return trace


async def _save_screenshot(episode: Episode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(await episode.screenshot(full_page=True))


async def run_episode(
    task: DecepticonTask,
    variant: Variant,
    policy: Policy | str,
    service: BrowserService | None = None,
    screenshots: Path | None = None,
) -> dict[str, Any]:
    """One scripted episode: its outcome (success, dp, state, events...) plus the policy's trace."""
    chosen = POLICIES[policy] if isinstance(policy, str) else policy
    episode = Episode(task, variant, service)
    try:
        snapshot = await episode.open()
        trace = await drive(episode, chosen, snapshot, screenshots)
        return episode.outcome() | {"policy": chosen.name, "trace": trace}
    finally:
        await episode.close()


def run_policy(
    runs: Iterable[tuple[DecepticonTask, Variant]],
    policy: Policy | str,
    concurrency: int | None = None,
    service: BrowserService | None = None,
    screenshots: Path | None = None,
) -> list[dict[str, Any]]:
    """Run `policy` on each (task, variant) in real Chromium, `concurrency` episodes at a time.

    `concurrency` defaults to twice the process's browser-action slots (`browser_limits().actions`): a
    scripted policy is all browser actions, so more open episodes would only wait. With `screenshots`,
    each episode's pages are saved under screenshots/<task id>/<variant>/.

    Returns:
        One dict per run, in order: `task_id`, `variant`, `success`, `dp`, `steps`, the final server
        `state`, its `events` log, `notes`, `browser_seconds`, `server_seconds`, `wait_seconds` (waiting
        for a browser slot), `policy` and the policy's `trace`.

    Raises:
        InfraError: the browser failed (a timeout, a crash); the message has Playwright's own error.
    """
    service = service or browser_service()
    pending = list(runs)

    async def all_runs() -> list[dict[str, Any]]:
        gate = asyncio.Semaphore(concurrency or 2 * service.limits.actions)

        async def one(task: DecepticonTask, variant: Variant) -> dict[str, Any]:
            async with gate:
                folder = screenshots / task.id / variant if screenshots is not None else None
                return await run_episode(task, variant, policy, service, folder)

        return await asyncio.gather(*(one(t, v) for t, v in pending))

    return service.call(all_runs)
