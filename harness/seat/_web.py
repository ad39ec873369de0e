"""A person's seat in the browser: one page per process, a queue of what they are asked, a timeout per turn.

`web_seat(port)` starts the page the first time a sample needs it and prints its address (with
its token) once, on a line of its own, to the terminal. A sample that needs the person adds an
item to the queue and waits for the answer without holding a thread: the wait is cancelled with
its sample (Ctrl-C, a limit), and it ends with `SeatTimeout` when nobody answers in time.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import anyio

from harness.seat._queue import Item, SeatQueue
from harness.seat._server import SeatServer

DEFAULT_TIMEOUT = 600.0
"""Seconds a turn waits for the person before its sample ends in an error."""
POLL_SECONDS = 0.1


class SeatTimeout(Exception):
    """Nobody answered in the seat in time; the sample ends in this error (the run goes on)."""


class WebSeat:
    """The page and its queue; shared by every sample of the process that seats a person."""

    def __init__(self, port: int = 0) -> None:
        self.queue = SeatQueue()
        self.server = SeatServer(self.queue, port)
        print(
            f"harness: a person answers in the browser; open this page:\n{self.server.url}", file=sys.stderr, flush=True
        )

    async def ask(self, item: Item, timeout: float) -> Any:
        """Wait for the answer to `item`.

        Raises:
            SeatTimeout: No answer within `timeout` seconds (the item is taken off the page).
        """
        deadline = time.monotonic() + timeout
        try:
            while not item.answered.is_set():
                if time.monotonic() > deadline:
                    raise SeatTimeout(f"no reply from the human seat within {timeout:g} s (seat.timeout=SECONDS)")
                await anyio.sleep(POLL_SECONDS)
        finally:
            if not item.answered.is_set():
                self.queue.withdraw(item)
        return item.answer


_seat: WebSeat | None = None
_seat_lock = threading.Lock()


def web_seat(port: int = 0) -> WebSeat:
    """The process's web seat, started on first use (`port` 0: a free port)."""
    global _seat
    with _seat_lock:
        if _seat is None:
            _seat = WebSeat(port)
        return _seat
