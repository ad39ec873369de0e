"""An episode: a fresh site server and a fresh browser context, and the actions an agent can take.

All coroutines here run on the browser service's loop (see `_browser.py`).
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from ._browser import BrowserService, browser_service
from ._conditions import holds
from ._model import DecepticonTask, Variant
from ._server import SiteServer
from ._snapshot import Snapshot, snapshot_script

ACTION_TIMEOUT_MS = 3000
NAVIGATION_TIMEOUT_MS = 10000
VIEWPORT = {"width": 1280, "height": 900}
_REF = re.compile(r"^e\d+$")


class ActionError(Exception):
    """An action that could not be done; the message is what the agent is told."""


class BudgetExhausted(ActionError):
    """The episode's step budget is used up."""


class Episode:
    """One task in one variant: server, browser context, page, step count and event log."""

    def __init__(self, task: DecepticonTask, variant: Variant, service: BrowserService | None = None) -> None:
        self.task = task
        self.variant = variant
        self.service = service or browser_service()
        self.server = SiteServer(task, variant)
        self.steps = 0
        self.browser_seconds = 0.0
        self.notes: list[str] = []
        self.last: Snapshot | None = None
        self._next_ref = 1
        self._context: Any = None
        self._page: Any = None

    @property
    def max_steps(self) -> int:
        """The task's step budget."""
        return self.task.max_steps

    @property
    def budget_left(self) -> int:
        """Actions still allowed."""
        return max(0, self.max_steps - self.steps)

    async def open(self) -> Snapshot:
        """Start the server and a fresh context, open the start page, return the first snapshot."""
        started = time.perf_counter()
        self.server.start()
        browser = await self.service.browser()
        self._context = await browser.new_context(viewport=VIEWPORT, service_workers="block")
        # only requests that leave the episode's server are intercepted (and refused): a pattern the
        # driver matches itself, so the site's own requests cost no round trip to Python
        origin = re.escape(self.server.origin + "/")
        await self._context.route(re.compile(f"^(?!{origin})"), self._refuse)
        page = await self._context.new_page()
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.server.log("pageerror", text=str(error)))
        page.on("dialog", self._on_dialog)
        self._page = page
        await page.goto(self.server.origin + self.task.start_page, wait_until="domcontentloaded")
        self.browser_seconds += time.perf_counter() - started
        return await self.observe()

    async def close(self) -> None:
        """Close the browser context and stop the server (idempotent)."""
        context, self._context, self._page = self._context, None, None
        try:
            if context is not None:
                await context.close()
        finally:
            self.server.stop()

    async def observe(self) -> Snapshot:
        """A fresh snapshot of the page (hands out new refs; older refs become stale)."""
        started = time.perf_counter()
        page = self._require_page()
        for attempt in range(3):
            try:
                raw = await page.evaluate(snapshot_script(), self._next_ref)
                break
            except Exception as ex:  # the page navigated while the script ran: read it again
                if attempt == 2 or "context was destroyed" not in str(ex).lower():
                    raise ActionError(f"could not read the page: {_first_line(ex)}") from ex
                await page.wait_for_load_state("domcontentloaded")
        self._next_ref = raw["next"]
        self.last = Snapshot.from_page(raw)
        self.browser_seconds += time.perf_counter() - started
        return self.last

    def count_step(self) -> None:
        """Spend one step of the budget; raises BudgetExhausted when none is left."""
        if self.steps >= self.max_steps:
            raise BudgetExhausted(f"the step budget ({self.max_steps}) is used up; the episode is over")
        self.steps += 1

    async def click(self, ref: str) -> Snapshot:
        """Click the element with this ref (mouse events at its centre) and return the new snapshot."""
        locator = await self._locate(ref)
        # force: the snapshot already lists only what can be clicked (a dialog's content while one is open),
        # so Playwright's wait-for-stable checks only cost time
        await self._timed(locator.click(force=True), f"click {ref}")
        return await self._settle()

    async def type(self, ref: str, text: str) -> Snapshot:
        """Replace the text in a text field."""
        control = self._control(ref)
        if control.role != "textbox":
            raise ActionError(f"{ref} is a {control.role}, not a text field; use click or select for it")
        locator = await self._locate(ref)
        await self._timed(locator.fill(text), f"type into {ref}")
        return await self.observe()

    async def select(self, ref: str, option: str) -> Snapshot:
        """Choose an option of a drop-down by its text."""
        control = self._control(ref)
        if control.options is None:
            raise ActionError(f"{ref} is a {control.role}, not a drop-down; use click for it")
        match = next((o for o in control.options if o.strip().lower() == option.strip().lower()), None)
        if match is None:
            raise ActionError(f"{ref} has no option {option!r}; its options are {control.options}")
        locator = await self._locate(ref)
        await self._timed(locator.select_option(label=match), f"select in {ref}")
        return await self._settle()

    async def scroll(self, direction: str) -> Snapshot:
        """Scroll the page: up, down, top or bottom."""
        amounts = {"down": "window.innerHeight * 0.8", "up": "-window.innerHeight * 0.8"}
        page = self._require_page()
        if direction == "top":
            await page.evaluate("window.scrollTo(0, 0)")
        elif direction == "bottom":
            await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        elif direction in amounts:
            await page.evaluate(f"window.scrollBy(0, {amounts[direction]})")
        else:
            raise ActionError(f"scroll direction must be up, down, top or bottom, not {direction!r}")
        return await self.observe()

    async def back(self) -> Snapshot:
        """Go back one page in the history."""
        page = self._require_page()
        response = await self._timed(page.go_back(wait_until="domcontentloaded"), "go back")
        if response is None:
            raise ActionError("there is no previous page to go back to")
        return await self.observe()

    async def screenshot(self, full_page: bool = False) -> bytes:
        """A JPEG of the visible part of the page (or all of it)."""
        page = self._require_page()
        return await self._timed(page.screenshot(type="jpeg", quality=70, full_page=full_page), "take a screenshot")

    def outcome(self) -> dict[str, Any]:
        """The scored facts of the episode: final state, log, success, DP, steps and timings."""
        state, events = self.server.state(), self.server.events()
        return {
            "task_id": self.task.id,
            "variant": self.variant,
            "success": holds(self.task.success, state, events),
            "dp": holds(self.task.malicious, state, events),
            "steps": self.steps,
            "state": state,
            "events": events,
            "notes": list(self.notes),
            "browser_seconds": round(self.browser_seconds, 4),
            "server_seconds": round(self.server.server_seconds, 4),
        }

    def _require_page(self) -> Any:
        if self._page is None:
            raise ActionError("the browser is closed")
        return self._page

    def _control(self, ref: str) -> Any:
        if not _REF.match(ref or ""):
            raise ActionError(f"{ref!r} is not a ref; refs look like e12 and come from the latest page snapshot")
        control = self.last.control(ref) if self.last else None
        if control is None:
            raise ActionError(
                f"ref {ref} is not on the current page (the page changed since that snapshot, or it never existed); "
                "use a ref from the latest snapshot"
            )
        return control

    async def _locate(self, ref: str) -> Any:
        control = self._control(ref)
        if control.disabled:
            raise ActionError(f"{ref} ({control.role} {control.name!r}) is disabled")
        return self._require_page().locator(f'[data-dp-ref="{ref}"]')

    async def _settle(self) -> Snapshot:
        page = self._require_page()
        try:
            await page.wait_for_load_state("domcontentloaded")
        except Exception as ex:
            raise ActionError(f"the page did not finish loading: {_first_line(ex)}") from ex
        return await self.observe()

    async def _timed(self, action: Any, what: str) -> Any:
        started = time.perf_counter()
        try:
            return await action
        except ActionError:
            raise
        except Exception as ex:
            if "waiting for locator" in str(ex):  # the element went away after the snapshot (the page changed)
                raise ActionError(
                    f"could not {what}: the element is no longer on the page; take a new snapshot"
                ) from ex
            raise ActionError(f"could not {what}: {_first_line(ex)}") from ex
        finally:
            self.browser_seconds += time.perf_counter() - started

    async def _refuse(self, route: Any) -> None:
        self.server.log("blocked", url=route.request.url)
        await route.abort("blockedbyclient")

    def _on_console(self, message: Any) -> None:
        if message.type == "error" and "net::ERR_BLOCKED_BY_CLIENT" not in message.text:
            self.server.log("console", text=message.text)

    def _on_dialog(self, dialog: Any) -> None:
        self.notes.append(f"A browser dialog said {dialog.message!r}; it was dismissed.")
        self.server.log("dialog", text=dialog.message)
        asyncio.ensure_future(dialog.dismiss())


def _first_line(ex: BaseException) -> str:
    text = str(ex).strip().splitlines()
    return text[0] if text else type(ex).__name__
