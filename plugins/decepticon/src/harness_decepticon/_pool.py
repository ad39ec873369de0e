"""Browser contexts kept for reuse: one episode at a time each, wiped in between.

A fresh context costs Chromium a renderer process (about 0.2 CPU-seconds); a kept one costs a new
page. Each kept context has its own site listener on 127.0.0.1 and a proxy that lets only that
origin through: the proxy is the service's sink, so every other request, WebSocket, preconnect
or WebRTC candidate (from pages and workers alike) is refused inside the browser and never
reaches another port. Between episodes the context's pages are closed (history and
sessionStorage go with them) and its cookies, storage and cache are cleared, so nothing crosses
from one episode to the next.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol

from ._server import Listener
from ._snapshot import document_script


class BrowserSource(Protocol):
    """What the pool needs of the browser service (`_browser.BrowserService`): its browser, started
    on first use, and the address of its sink proxy."""

    sink: str

    async def browser(self) -> Any: ...


VIEWPORT = {"width": 1280, "height": 900}


@dataclass
class Slot:
    """A kept browser context and the listener its proxy lets through."""

    context: Any
    listener: Listener


class ContextPool:
    """At most `size` contexts in use at once; idle ones wait for the next episode."""

    def __init__(self, service: BrowserSource, size: int) -> None:
        self.service = service
        self.size = size
        self._idle: list[Slot] = []
        self._gate: asyncio.Semaphore | None = None

    async def acquire(self) -> Slot | None:
        """Wait until fewer than `size` contexts are in use; then a wiped idle one, or None (make one with
        `new_slot`, or give the turn back with `release(None)`). On the browser loop only."""
        if self._gate is None:
            self._gate = asyncio.Semaphore(self.size)
        await self._gate.acquire()
        while self._idle:
            slot = self._idle.pop()
            if slot.context.browser and slot.context.browser.is_connected():
                return slot
            slot.listener.close()
        return None

    async def release(self, slot: Slot | None, reusable: bool) -> None:
        """Give a context back: wiped for the next episode, or closed when it cannot be trusted."""
        try:
            if slot is None:
                return
            if reusable:
                reusable = await _wipe(slot)
            if not reusable:
                await _discard(slot)
            else:
                self._idle.append(slot)
        finally:
            if self._gate is not None:
                self._gate.release()

    async def close(self) -> None:
        """Close every idle context."""
        idle, self._idle = self._idle, []
        for slot in idle:
            await _discard(slot)

    async def new_slot(self) -> Slot:
        """A new context with its own listener (after `acquire` returned None)."""
        browser = await self.service.browser()
        listener = Listener()
        host = listener.origin.split("://", 1)[1]
        try:
            context = await browser.new_context(
                viewport=VIEWPORT,
                service_workers="block",
                proxy={"server": self.service.sink, "bypass": host},
            )
            await context.add_init_script(script=document_script())
        except BaseException:
            listener.close()
            raise
        return Slot(context, listener)


async def _wipe(slot: Slot) -> bool:
    """Close the context's pages and clear what a site could have left; False when that failed."""
    try:
        pages = list(slot.context.pages)
        if pages:
            session = await slot.context.new_cdp_session(pages[0])
            await session.send("Storage.clearDataForOrigin", {"origin": slot.listener.origin, "storageTypes": "all"})
            await session.send("Network.clearBrowserCache")
            await session.detach()
        for page in pages:
            await page.close()
        await slot.context.clear_cookies()
        return True
    except Exception:  # a crashed page or a dead browser: start afresh next time
        return False


async def _discard(slot: Slot) -> None:
    try:
        await slot.context.close()
    except Exception:  # the browser is already gone
        pass
    finally:
        slot.listener.close()
