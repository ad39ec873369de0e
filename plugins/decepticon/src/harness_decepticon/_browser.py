"""One headless Chromium per process, driven by Playwright on its own event-loop thread.

Episodes get a fresh browser context each; the browser itself is shared. Running Playwright on a
dedicated loop keeps it independent of whichever loop calls it (inspect's, a test's), and lets
synchronous callers (scripted policies, the bench) use the same code.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import threading
from concurrent.futures import Future
from typing import Any, Awaitable, Callable, TypeVar

from harness import HarnessError

T = TypeVar("T")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--mute-audio",
]


class BrowserUnavailable(HarnessError):
    """No Chromium to run (the message says how to get one)."""


def chromium_path() -> str:
    """The Chromium executable: $DECEPTICON_CHROMIUM, else `chromium` on PATH (Debian's package)."""
    configured = os.environ.get("DECEPTICON_CHROMIUM")
    if configured:
        if not os.access(configured, os.X_OK):
            raise BrowserUnavailable(f"DECEPTICON_CHROMIUM={configured} is not an executable file")
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise BrowserUnavailable(
        "DECEPTICON needs Chromium: apt-get install chromium (Debian/Ubuntu), or set "
        "DECEPTICON_CHROMIUM=/path/to/chrome (`playwright install` needs the network)"
    )


class BrowserService:
    """A Chromium launched lazily on a private event loop thread; `call`/`run` execute coroutines there."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="decepticon-browser", daemon=True)
        self._thread.start()
        self._playwright: Any = None
        self._browser: Any = None
        self._lock: asyncio.Lock | None = None

    def submit(self, factory: Callable[[], Awaitable[T]]) -> Future[T]:
        """Schedule `factory()` on the browser loop."""

        async def wrapped() -> T:
            return await factory()

        return asyncio.run_coroutine_threadsafe(wrapped(), self._loop)

    def call(self, factory: Callable[[], Awaitable[T]], timeout: float | None = None) -> T:
        """Run `factory()` on the browser loop and wait for its result (synchronous callers)."""
        return self.submit(factory).result(timeout)

    async def run(self, factory: Callable[[], Awaitable[T]], timeout: float | None = None) -> T:
        """Run `factory()` on the browser loop from any async caller (asyncio or trio)."""
        import anyio

        future = self.submit(factory)
        try:
            return await anyio.to_thread.run_sync(lambda: future.result(timeout), abandon_on_cancel=True)
        except BaseException:
            future.cancel()
            raise

    async def browser(self) -> Any:
        """The shared Chromium (launched on first use; on the browser loop only)."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._browser is None or not self._browser.is_connected():
                from playwright.async_api import async_playwright

                executable = chromium_path()
                if self._playwright is None:
                    self._playwright = await async_playwright().start()
                try:
                    self._browser = await self._playwright.chromium.launch(
                        executable_path=executable, headless=True, args=CHROMIUM_ARGS
                    )
                except Exception as ex:
                    raise BrowserUnavailable(f"Chromium at {executable} did not start: {ex}") from ex
            return self._browser

    def close(self) -> None:
        """Close the browser and stop the loop thread."""

        async def shutdown() -> None:
            if self._browser is not None:
                await self._browser.close()
            if self._playwright is not None:
                await self._playwright.stop()
            self._browser = self._playwright = None

        if self._loop.is_running():
            try:
                self.call(shutdown, timeout=20)
            except Exception:  # already gone; nothing left to release
                pass
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)


_service: BrowserService | None = None
_service_lock = threading.Lock()


def browser_service() -> BrowserService:
    """The process-wide browser service (closed at exit)."""
    global _service
    with _service_lock:
        if _service is None:
            _service = BrowserService()
            atexit.register(_service.close)
        return _service
