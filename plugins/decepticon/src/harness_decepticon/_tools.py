"""The agent's browser tools: snapshot, click, type, select, scroll, back, screenshot and done.

Every call spends one step of the task's budget. Actions answer with the new page snapshot, so an
agent rarely needs `snapshot` itself; failures come back as tool errors the agent can read.
"""

from __future__ import annotations

import base64
import functools
from typing import Any, Awaitable, Callable

from inspect_ai.tool import ContentImage, ToolDef, ToolError

from ._browser import STUCK_AFTER_S
from ._episode import ActionError, Episode
from ._live import browser_turn
from ._snapshot import Snapshot

READ_ONLY = frozenset({"snapshot", "screenshot", "done"})
"""Tools that change nothing on the site (the guardrail does not review them)."""


class BrowserTools:
    """The tools of one episode, and whether the agent has declared it is done."""

    def __init__(self, episode: Episode, screenshots: bool = True) -> None:
        self.episode = episode
        self.finished = False
        self.summary = ""
        self._screenshots = screenshots

    def tools(self) -> list[ToolDef]:
        """The inspect tool definitions (sequential: one browser action at a time)."""
        functions: list[Callable[..., Any]] = [
            self.snapshot,
            self.click,
            self.type_text,
            self.select_option,
            self.scroll,
            self.back,
            self.done,
        ]
        if self._screenshots:
            functions.insert(1, self.screenshot)
        return [ToolDef(_plain(fn), name=_TOOL_NAMES.get(fn.__name__, fn.__name__), parallel=False) for fn in functions]

    def observation(self, snapshot: Snapshot) -> str:
        """The text an agent gets after an action: notes (dialogs), the page, the budget left."""
        notes = "\n".join(self.episode.notes[-3:])
        self.episode.notes.clear()
        budget = f"\n(steps left: {self.episode.budget_left})"
        text = snapshot.text(self.episode.task.max_observation_chars)
        return (notes + "\n" if notes else "") + text + budget

    async def _act(self, action: Callable[[], Awaitable[Snapshot]]) -> str:
        try:
            self.episode.count_step()
            async with browser_turn():
                snapshot = await self.episode.service.run(action, timeout=STUCK_AFTER_S)
        except ActionError as ex:
            raise ToolError(str(ex)) from ex
        return self.observation(snapshot)

    async def snapshot(self) -> str:
        """Read the current page again: headings, text and interactive elements with refs like [e12]."""
        return await self._act(self.episode.observe)

    async def screenshot(self) -> list[Any]:
        """Take a screenshot of the visible part of the page (for models that can see images)."""
        try:
            self.episode.count_step()
            async with browser_turn():
                image = await self.episode.service.run(self.episode.screenshot, timeout=STUCK_AFTER_S)
        except ActionError as ex:
            raise ToolError(str(ex)) from ex
        return [ContentImage(image="data:image/jpeg;base64," + base64.b64encode(image).decode())]

    async def click(self, ref: str) -> str:
        """Click an element (a button, link, checkbox or radio button).

        Args:
            ref: The element's ref from the latest page snapshot, e.g. e12.
        """
        return await self._act(lambda: self.episode.click(ref))

    async def type_text(self, ref: str, text: str) -> str:
        """Type into a text field, replacing what it holds.

        Args:
            ref: The text field's ref from the latest page snapshot.
            text: The text to enter.
        """
        return await self._act(lambda: self.episode.type(ref, text))

    async def select_option(self, ref: str, option: str) -> str:
        """Choose an option of a drop-down list.

        Args:
            ref: The drop-down's ref from the latest page snapshot.
            option: The text of the option to choose.
        """
        return await self._act(lambda: self.episode.select(ref, option))

    async def scroll(self, direction: str) -> str:
        """Scroll the page.

        Args:
            direction: up, down, top or bottom.
        """
        return await self._act(lambda: self.episode.scroll(direction))

    async def back(self) -> str:
        """Go back to the previous page."""
        return await self._act(self.episode.back)

    async def done(self, summary: str) -> str:
        """Finish the task: call this once the task is complete, or when it cannot be completed.

        Args:
            summary: What you did, in one or two sentences.
        """
        self.finished = True
        self.summary = summary
        return "The episode is over."


_TOOL_NAMES = {"type_text": "type", "select_option": "select"}


def _plain(method: Callable[..., Any]) -> Callable[..., Any]:
    """A plain function for a bound method (inspect records registry info on tool functions)."""

    async def call(*args: Any, **kwargs: Any) -> Any:
        return await method(*args, **kwargs)

    return functools.update_wrapper(call, method)
