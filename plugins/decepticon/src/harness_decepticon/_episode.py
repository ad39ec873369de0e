"""An episode: a fresh site server in a wiped browser context, and the actions an agent can take.

All coroutines here run on the browser service's loop (see `_browser.py`). Every action holds one
of the process's browser-action slots while it runs, and waits on page state, never on time: after
a click or a choice, if the page is being replaced (a form was submitted, a link followed; see
`_document.js`), the action ends when the new document has loaded. A fault of the browser (a
timeout, a crash) is an `InfraError` with Playwright's own message; what the agent did wrong (a
stale ref, typing into a checkbox) is an `ActionError` the agent reads.
"""

from __future__ import annotations

import asyncio
import functools
import re
import time
from typing import Any, Awaitable, Callable, TypeVar

from harness import InfraError

from ._browser import BrowserService, browser_service
from ._conditions import holds
from ._model import DecepticonTask, Variant
from ._pool import Slot
from ._server import SiteServer
from ._snapshot import Snapshot, snapshot_script

ACTION_TIMEOUT_MS = 10_000
NAVIGATION_TIMEOUT_MS = 30_000
_REF = re.compile(r"^e\d+$")
F = TypeVar("F", bound=Callable[..., Awaitable[Any]])

LEAVING = """(old) => {
  const s = window.__dp;
  if (!s || s.doc !== old) return true;
  if (s.submit && !s.submit.defaultPrevented) return true;
  const n = s.navigate;
  if (!n || n.defaultPrevented || n.hashChange || n.downloadRequest) return false;
  return !(n.destination && n.destination.sameDocument);
}"""
"""Whether the document `old` is being (or has been) replaced: an uncancelled submit or navigation."""
NEW_DOCUMENT = "(old) => (!window.__dp || window.__dp.doc !== old) && document.readyState !== 'loading'"
"""A document other than `old` has been parsed."""
AGENT_FAULTS = ("Cannot type text into", "Malformed value", "Element is not an <input>", "Not a checkbox or radio")
"""Playwright errors that come from what the agent asked for, not from the browser."""


class ActionError(Exception):
    """An action that could not be done; the message is what the agent is told."""


class BudgetExhausted(ActionError):
    """The episode's step budget is used up."""


def _gated(method: F) -> F:
    """Run the action while holding one of the process's browser-action slots."""

    @functools.wraps(method)
    async def wrapper(self: Episode, *args: Any, **kwargs: Any) -> Any:
        waited = time.perf_counter()
        async with self.service.action_slot():
            self.wait_seconds += time.perf_counter() - waited
            return await method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Episode:
    """One task in one variant: server, browser context, page, step count and event log."""

    def __init__(self, task: DecepticonTask, variant: Variant, service: BrowserService | None = None) -> None:
        self.task = task
        self.variant = variant
        self.service = service or browser_service()
        self.server = SiteServer(task, variant)
        self.steps = 0
        self.browser_seconds = 0.0
        self.wait_seconds = 0.0
        self.notes: list[str] = []
        self.last: Snapshot | None = None
        self._next_ref = 1
        self._slot: Slot | None = None
        self._holds_turn = False
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
        """Take a wiped browser context, serve the site there, open the start page, return the first snapshot."""
        waited = time.perf_counter()
        self._slot = await self.service.pool.acquire()
        self._holds_turn = True
        self.wait_seconds += time.perf_counter() - waited
        return await self._open_page()

    @_gated
    async def _open_page(self) -> Snapshot:
        started = time.perf_counter()
        if self._slot is None:
            self._slot = await self._timed(self.service.pool.new_slot(), "open a browser context")
        self._slot.listener.attach(self.server)
        page = await self._timed(self._slot.context.new_page(), "open a page")
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.server.log("pageerror", text=str(error)))
        page.on("dialog", self._on_dialog)
        page.on("requestfailed", self._on_request_failed)
        page.on("websocket", lambda socket: self.server.log("blocked", url=socket.url))
        self._page = page
        url = self.server.origin + self.task.start_page
        await self._timed(page.goto(url, wait_until="domcontentloaded"), f"load {url}")
        self.browser_seconds += time.perf_counter() - started
        return await self._observe()

    async def close(self) -> None:
        """Give the browser context back (wiped) and stop serving the site (idempotent)."""
        slot, self._slot, self._page = self._slot, None, None
        if not self._holds_turn:
            return
        self._holds_turn = False
        try:
            async with self.service.action_slot():
                await self.service.pool.release(slot, reusable=True)
        finally:
            if slot is not None:
                slot.listener.detach(self.server)

    @_gated
    async def observe(self) -> Snapshot:
        """A fresh snapshot of the page (hands out new refs; older refs become stale)."""
        return await self._observe()

    def count_step(self) -> None:
        """Spend one step of the budget; raises BudgetExhausted when none is left."""
        if self.steps >= self.max_steps:
            raise BudgetExhausted(f"the step budget ({self.max_steps}) is used up; the episode is over")
        self.steps += 1

    @_gated
    async def click(self, ref: str) -> Snapshot:
        """Click the element with this ref (mouse events at its centre) and return the new snapshot."""
        locator = self._locate(ref)
        # force: the snapshot already lists only what can be clicked (a dialog's content while one is open),
        # so Playwright's wait-for-stable checks only cost time. A click waits for a navigation it starts
        # to commit, so it gets a page load's time.
        return await self._act(locator.click(force=True, timeout=NAVIGATION_TIMEOUT_MS), f"click {ref}", locator)

    @_gated
    async def type(self, ref: str, text: str) -> Snapshot:
        """Replace the text in a text field."""
        control = self._control(ref)
        if control.role != "textbox":
            raise ActionError(f"{ref} is a {control.role}, not a text field; use click or select for it")
        locator = self._locate(ref)
        return await self._act(locator.fill(text), f"type into {ref}", locator)

    @_gated
    async def select(self, ref: str, option: str) -> Snapshot:
        """Choose an option of a drop-down by its text."""
        control = self._control(ref)
        if control.options is None:
            raise ActionError(f"{ref} is a {control.role}, not a drop-down; use click for it")
        match = next((o for o in control.options if o.strip().lower() == option.strip().lower()), None)
        if match is None:
            raise ActionError(f"{ref} has no option {option!r}; its options are {control.options}")
        locator = self._locate(ref)
        selecting = locator.select_option(label=match, timeout=NAVIGATION_TIMEOUT_MS)
        return await self._act(selecting, f"select in {ref}", locator)

    @_gated
    async def scroll(self, direction: str) -> Snapshot:
        """Scroll the page: up, down, top or bottom."""
        scripts = {
            "down": "window.scrollBy(0, window.innerHeight * 0.8)",
            "up": "window.scrollBy(0, -window.innerHeight * 0.8)",
            "top": "window.scrollTo(0, 0)",
            "bottom": "window.scrollTo(0, document.documentElement.scrollHeight)",
        }
        if direction not in scripts:
            raise ActionError(f"scroll direction must be up, down, top or bottom, not {direction!r}")
        await self._timed(self._require_page().evaluate(scripts[direction]), "scroll")
        return await self._observe()

    @_gated
    async def back(self) -> Snapshot:
        """Go back one page in the history."""
        page = self._require_page()
        response = await self._timed(page.go_back(wait_until="domcontentloaded"), "go back")
        if response is None:
            raise ActionError("there is no previous page to go back to")
        return await self._observe()

    @_gated
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
            "wait_seconds": round(self.wait_seconds, 4),
        }

    async def _observe(self) -> Snapshot:
        started = time.perf_counter()
        page = self._require_page()
        for attempt in range(3):
            try:
                raw = await page.evaluate(snapshot_script(), self._next_ref)
                break
            except Exception as ex:  # the page was replaced while the script ran: read the new one
                if attempt == 2 or not _navigated(ex):
                    raise _fault(ex, "read the page") from ex
                await self._new_document(self.last.doc if self.last else "", "read the page")
        self._next_ref = raw["next"]
        self.last = Snapshot.from_page(raw)
        self.browser_seconds += time.perf_counter() - started
        return self.last

    async def _act(self, action: Awaitable[Any], what: str, locator: Any) -> Snapshot:
        """Do `action`; if it is replacing the page, wait for the new document; then observe."""
        before = self.last.doc if self.last else ""
        try:
            await self._timed(action, what)
        except InfraError as ex:
            # the page itself removed the element (no new page on its way): the agent's to handle
            if await self._still_here(before) and await self._gone(locator):
                gone = f"could not {what}: the element is no longer on the page; take a new snapshot"
                raise ActionError(gone) from ex
            raise
        if await self._leaving(before):
            await self._new_document(before, f"load the page after {what}")
        return await self._observe()

    async def _leaving(self, before: str) -> bool:
        try:
            return bool(await self._require_page().evaluate(LEAVING, before))
        except Exception as ex:
            if _navigated(ex):
                return True
            raise _fault(ex, "read the page") from ex

    async def _new_document(self, before: str, what: str) -> None:
        """Wait until a document other than `before` has been parsed (each DOMContentLoaded is a cue to look)."""
        page = self._require_page()
        loaded = asyncio.Event()

        def cue(_: Any) -> None:
            loaded.set()

        page.on("domcontentloaded", cue)  # listening before looking: no load is missed
        started = time.perf_counter()
        deadline = started + NAVIGATION_TIMEOUT_MS / 1000
        try:
            while not await self._is_new_document(before):
                loaded.clear()
                await asyncio.wait_for(loaded.wait(), max(0.0, deadline - time.perf_counter()))
        except asyncio.TimeoutError as ex:
            raise InfraError(
                f"browser fault, could not {what}: no new page within {NAVIGATION_TIMEOUT_MS} ms ({page.url})"
            ) from ex
        finally:
            page.remove_listener("domcontentloaded", cue)
            self.browser_seconds += time.perf_counter() - started

    async def _is_new_document(self, before: str) -> bool:
        try:
            return bool(await self._require_page().evaluate(NEW_DOCUMENT, before))
        except Exception as ex:
            if _navigated(ex):
                return False
            raise _fault(ex, "read the page") from ex

    async def _gone(self, locator: Any) -> bool:
        try:
            return await asyncio.wait_for(locator.count(), ACTION_TIMEOUT_MS / 1000) == 0
        except Exception:  # the page itself is unreadable: not the agent's doing
            return False

    async def _still_here(self, before: str) -> bool:
        """Whether the document `before` is still the page and is not being replaced (False when unsure)."""
        try:
            return not await asyncio.wait_for(self._leaving(before), ACTION_TIMEOUT_MS / 1000)
        except (InfraError, asyncio.TimeoutError):
            return False

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

    def _locate(self, ref: str) -> Any:
        control = self._control(ref)
        if control.disabled:
            raise ActionError(f"{ref} ({control.role} {control.name!r}) is disabled")
        return self._require_page().locator(f'[data-dp-ref="{ref}"]')

    async def _timed(self, action: Awaitable[Any], what: str) -> Any:
        started = time.perf_counter()
        try:
            return await action
        except (ActionError, InfraError):
            raise
        except Exception as ex:
            raise _fault(ex, what) from ex
        finally:
            self.browser_seconds += time.perf_counter() - started

    def _on_request_failed(self, request: Any) -> None:
        if not request.url.startswith(self.server.origin + "/"):
            self.server.log("blocked", url=request.url)

    def _on_console(self, message: Any) -> None:
        text = message.text
        if message.type == "error" and not any(code in text for code in _REFUSED):
            self.server.log("console", text=text)

    def _on_dialog(self, dialog: Any) -> None:
        self.notes.append(f"A browser dialog said {dialog.message!r}; it was dismissed.")
        self.server.log("dialog", text=dialog.message)
        asyncio.ensure_future(dialog.dismiss())


_REFUSED = ("net::ERR_BLOCKED_BY_CLIENT", "net::ERR_PROXY_CONNECTION_FAILED", "net::ERR_TUNNEL_CONNECTION_FAILED")
"""Console noise of a request the context's proxy refused (it is logged as `blocked` instead)."""


def _navigated(ex: BaseException) -> bool:
    text = str(ex).lower()
    return "context was destroyed" in text or "because of a navigation" in text


def _fault(ex: BaseException, what: str) -> Exception:
    """An error for a Playwright failure: the agent's (ActionError) or the browser's (InfraError, real cause kept)."""
    cause = _first_line(ex)
    if any(marker in str(ex) for marker in AGENT_FAULTS):
        return ActionError(f"could not {what}: {cause}")
    return InfraError(f"browser fault, could not {what}: {cause}")


def _first_line(ex: BaseException) -> str:
    text = str(ex).strip().splitlines()
    return text[0] if text else type(ex).__name__
