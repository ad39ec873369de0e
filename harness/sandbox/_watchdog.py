"""One thread that watches the disk use of the containers samples are using, and stops those past the limit.

A look at a `loop` container reads its file system's counters (statvfs, microseconds): the kernel
already holds the limit there, so the watchdog only ends the sample once the disk is full.

A look at a `watchdog` container sums its writable layer, which takes time on a layer of many files
(about a second per 300,000 here), while the sample may go on writing at up to
`ASSUMED_WRITE_RATE`. The next look is planned so that a writer at that rate could not pass the
limit by more than `MARGIN` (10%) before it is seen, counting the growth a look may miss while it
counts; when even an immediate look would be too late, the container's processes are held still
(`_freezer`) for the count, so the count is exact, and let go after. A writer past the limit
plus 1 MiB is killed while it is held.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from harness.sandbox._disk import SLACK_BYTES
from harness.sandbox._freezer import holding_still

ASSUMED_WRITE_RATE = 4 * 1024**3
"""Bytes/s a sandbox is assumed to be able to write (page cache speed; disks are slower)."""
MARGIN = 0.10
"""How far past the limit a writer at `ASSUMED_WRITE_RATE` may get before the watchdog sees it."""
_MIN_INTERVAL, _MAX_INTERVAL, _CHEAP_INTERVAL = 0.02, 1.0, 0.1


class Meter(Protocol):
    """How much a sample added to a container's disk (`_disk.LayerMeter`, `_disk.LoopMeter`)."""

    container_id: str
    cheap: bool

    def added(self, stop_above: int | None = None) -> int: ...

    def exhausted(self) -> bool: ...


@dataclass
class _Watched:
    meter: Meter
    limit: int
    on_exceeded: Callable[[int], None]
    next_look: float = 0.0
    freeze: bool = False
    """Count the next look with the container held still: a count while it writes would be too late."""


class DiskWatchdog:
    """Polls the disks of the containers samples are using; see the module doc."""

    def __init__(self) -> None:
        self._watched: dict[str, _Watched] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, meter: Meter, limit: int, on_exceeded: Callable[[int], None]) -> None:
        """Call `on_exceeded(bytes_used)` (once, from the watchdog thread) when `meter` is full or past `limit`."""
        with self._lock:
            self._watched[meter.container_id] = _Watched(meter, limit, on_exceeded)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="plugeval-disk-watchdog", daemon=True)
                self._thread.start()
        self._wake.set()

    def check_now(self, container_id: str) -> bool:
        """Look at once at a container whose meter is cheap (a `loop` disk); True when it was full (and handled).

        Called after each sandbox call, so a command that filled the disk ends with the disk-limit
        error rather than with the ENOSPC its writes got.
        """
        with self._lock:
            watched = self._watched.get(container_id)
        if watched is None or not watched.meter.cheap:
            return False
        try:
            used, over = watched.meter.added(), watched.meter.exhausted()
        except OSError:
            return False
        over = over or used > watched.limit + SLACK_BYTES
        with self._lock:
            if not over or self._watched.pop(container_id, None) is None:
                return False
        watched.on_exceeded(used)
        return True

    def unwatch(self, container_id: str) -> None:
        """Stop watching a container (the sample released it)."""
        with self._lock:
            self._watched.pop(container_id, None)

    def _run(self) -> None:
        while True:
            with self._lock:
                due = [(cid, w) for cid, w in self._watched.items() if w.next_look <= time.monotonic()]
                idle = not self._watched
            for container_id, watched in due:
                self._look(container_id, watched)
            with self._lock:
                upcoming = min((w.next_look for w in self._watched.values()), default=time.monotonic() + 5)
            # a new container wakes the thread at once: it is looked at before it can fill much
            self._wake.wait(5 if idle else max(0.0, min(upcoming - time.monotonic(), _MAX_INTERVAL)))
            self._wake.clear()

    def _look(self, container_id: str, watched: _Watched) -> None:
        meter, limit = watched.meter, watched.limit
        frozen = watched.freeze
        with holding_still(container_id) if frozen else contextlib.nullcontext(True) as held:
            began = time.monotonic()
            try:
                used = meter.added(stop_above=limit + SLACK_BYTES)
                over = used > limit + SLACK_BYTES or meter.exhausted()
            except Exception:
                used, over = 0, False  # the container is going away; the next look (or the unwatch) settles it
            scan = time.monotonic() - began
            if over:
                with self._lock:
                    if self._watched.pop(container_id, None) is None:
                        return
                watched.on_exceeded(used)  # kills it (while it is held still, when it is)
                return
        watched.next_look, watched.freeze = _plan(meter, limit, used, scan, frozen and bool(held))


def _plan(meter: Meter, limit: int, used: int, scan: float, exact: bool) -> tuple[float, bool]:
    """When to look next, and whether frozen: a writer at the assumed rate stays within the margin."""
    now = time.monotonic()
    if meter.cheap:
        return now + _CHEAP_INTERVAL, False
    allowed = limit + max(int(limit * MARGIN), SLACK_BYTES)
    missed = 0.0 if exact else scan  # what an unfrozen count may not have seen
    budget = (allowed - used) / ASSUMED_WRITE_RATE - missed
    if budget - scan >= _MIN_INTERVAL:
        # unfrozen: the next count may again miss `scan` seconds of writing; keep the watchdog's
        # share of a core small when there is room for it
        wait = min(budget - scan, max(4 * scan, _MIN_INTERVAL), _MAX_INTERVAL)
        if getattr(meter, "upper_dir", True) is None:
            wait = min(budget - scan, max(wait, 2.0))  # asking docker for the size is expensive
        return now + wait, False
    return now + min(max(budget, 0.0), _MAX_INTERVAL), True


watchdog = DiskWatchdog()
"""The process's watchdog."""
