"""One headless Chromium per process, driven by Playwright on its own event-loop thread.

The browser is Debian's `chromium-headless-shell` when installed (no window, toolbar or other browser
UI: about half the CPU of an episode in full Chromium), else its full `chromium`.

Episodes borrow a browser context from the service's pool (see `_pool.py`); the browser itself is
shared. Running Playwright on a dedicated loop keeps it independent of whichever loop calls it
(inspect's, a test's), and lets synchronous callers (scripted policies, the bench) use the same
code. The service also holds the process's concurrency limits (`_limits.py`): a gate on browser
actions in flight and, through the pool, on episodes open at once.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import os
import shutil
import socket
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, AsyncIterator, Awaitable, Callable, TypeVar

from harness import HarnessError, InfraError

from ._limits import BrowserLimits, browser_limits

if TYPE_CHECKING:
    from ._pool import ContextPool

T = TypeVar("T")

PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
"""The features Playwright's own `--disable-features` turns off (1.65). Chromium keeps only the last
`--disable-features` of its command line, so ours repeats them (a test checks that none is lost)."""

UNSEEN_UI_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup")
"""Full headless Chromium opens each page in a window whose address bar preloads two WebUI popups, each in
a renderer process of its own: no agent ever sees them, and they made a page cost about twice the CPU.
(The headless shell has no address bar; the switch is for a machine with full Chromium only.)"""

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--mute-audio",
    # WebRTC only through the context's proxy, which refuses everything but the episode's own site.
    # Full Chromium reads the first switch, the headless shell only the second (its STUN packets reach
    # the host without it); each ignores the other's.
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + UNSEEN_UI_FEATURES),
]


STUCK_AFTER_S = 120.0
"""An action (with its wait for a browser slot) that takes longer means the browser is stuck: an InfraError."""


class BrowserUnavailable(HarnessError):
    """No Chromium to run (the message says how to get one)."""


CHROMIUM_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome")
"""Executables looked up on PATH, in order: Debian's headless shell first (the same engine without the
browser UI, about half the CPU per episode), then full Chromium."""


def chromium_path() -> str:
    """The Chromium executable: $DECEPTICON_CHROMIUM, else the first of `CHROMIUM_NAMES` on PATH."""
    configured = os.environ.get("DECEPTICON_CHROMIUM")
    if configured:
        if not os.access(configured, os.X_OK):
            raise BrowserUnavailable(f"DECEPTICON_CHROMIUM={configured} is not an executable file")
        return configured
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserUnavailable(
        "DECEPTICON needs Chromium: apt-get install chromium-headless-shell (Debian; or chromium), or set "
        "DECEPTICON_CHROMIUM=/path/to/chrome (`playwright install` needs the network)"
    )


class BrowserService:
    """A Chromium launched lazily on a private event loop thread; `call`/`run` execute coroutines there."""

    def __init__(self, limits: BrowserLimits | None = None) -> None:
        self.limits = limits or browser_limits()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="decepticon-browser", daemon=True)
        self._thread.start()
        self._playwright: Any = None
        self._browser: Any = None
        self._lock: asyncio.Lock | None = None
        self._actions: asyncio.Semaphore | None = None
        self._pool: ContextPool | None = None
        # a port bound and never listened on: contexts use it as their proxy, so whatever is not the
        # episode's own site (which bypasses the proxy) is refused without leaving the machine
        self._sink = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sink.bind(("127.0.0.1", 0))
        self.sink = f"http://127.0.0.1:{self._sink.getsockname()[1]}"

    def submit(self, factory: Callable[[], Awaitable[T]]) -> Future[T]:
        """Schedule `factory()` on the browser loop."""

        async def wrapped() -> T:
            return await factory()

        return asyncio.run_coroutine_threadsafe(wrapped(), self._loop)

    def call(self, factory: Callable[[], Awaitable[T]], timeout: float | None = None) -> T:
        """Run `factory()` on the browser loop and wait for its result (synchronous callers)."""
        future = self.submit(factory)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError as ex:
            future.cancel()
            raise InfraError(f"the browser did not finish within {timeout:.0f} s ({self.limits.describe()})") from ex

    async def run(self, factory: Callable[[], Awaitable[T]], timeout: float | None = None) -> T:
        """Run `factory()` on the browser loop from any async caller (asyncio or trio)."""
        import anyio

        future = self.submit(factory)
        try:
            return await anyio.to_thread.run_sync(lambda: future.result(timeout), abandon_on_cancel=True)
        except concurrent.futures.TimeoutError as ex:
            future.cancel()
            raise InfraError(f"the browser did not finish within {timeout:.0f} s ({self.limits.describe()})") from ex
        except BaseException:
            future.cancel()
            raise

    @contextlib.asynccontextmanager
    async def action_slot(self) -> AsyncIterator[None]:
        """Hold one of the process's browser-action slots (on the browser loop only)."""
        if self._actions is None:
            self._actions = asyncio.Semaphore(self.limits.actions)
        async with self._actions:
            yield

    @property
    def pool(self) -> ContextPool:
        """The process's pool of browser contexts (at most `limits.episodes` in use)."""
        if self._pool is None:
            from ._pool import ContextPool

            self._pool = ContextPool(self, self.limits.episodes)
        return self._pool

    async def browser(self) -> Any:
        """The shared Chromium (launched on first use, again if it died; on the browser loop only)."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._browser is None or not self._browser.is_connected():
                await self._launch()
            return self._browser

    async def _launch(self) -> None:
        from playwright.async_api import async_playwright

        executable = chromium_path()
        if self._playwright is None:
            self._playwright = await async_playwright().start()
        try:
            self._browser = await self._playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except Exception as ex:
            raise InfraError(f"Chromium at {executable} did not start: {ex}") from ex

    def close(self) -> None:
        """Close the browser and stop the loop thread."""

        async def shutdown() -> None:
            if self._pool is not None:
                await self._pool.close()
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
        self._sink.close()


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
