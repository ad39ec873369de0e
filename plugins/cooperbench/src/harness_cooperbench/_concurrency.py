"""How many evaluation containers run at once: a rule from the machine's cores and memory, at run time.

Grading a pair starts a merge container and two test containers; with many pairs scoring at once
(inspect's `max_samples`), a 2-core machine ran ten test containers, the load reached 35 and
timing-sensitive upstream tests failed with correct code. Evaluation containers therefore take a
slot from one process-wide pool of

    slots = max(1, min(usable cores, available memory in GiB // 1))

(each runs one pytest process, ~0.3-1 GiB), unless `task.eval_concurrency` sets it. Agents' own
containers are not counted: they mostly wait for the model.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_GIB = 1024**3
_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None
_size = 0


def default_eval_concurrency() -> int:
    """The rule above, for this machine now."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, _available_memory() // _GIB))


def _available_memory() -> int:
    try:
        with open("/proc/meminfo") as meminfo:
            fields = dict(line.split(":", 1) for line in meminfo)
        return int(fields["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError):
        return 4 * _GIB  # not Linux: assume enough for a few containers; the cores then decide


def set_eval_concurrency(slots: int | None) -> int:
    """Size the pool (None: the rule); returns the size. Takes effect for containers not yet waiting."""
    global _slots, _size
    size = slots if slots is not None else default_eval_concurrency()
    with _lock:
        if _slots is None or size != _size:
            _slots, _size = threading.BoundedSemaphore(size), size
        return size


@contextmanager
def eval_slot() -> Iterator[None]:
    """Hold one evaluation slot for the block (sized by the rule on first use)."""
    with _lock:
        slots = _slots
    if slots is None:
        set_eval_concurrency(None)
        with _lock:
            slots = _slots
    assert slots is not None
    with slots:
        yield
