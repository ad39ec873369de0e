"""One-line progress for runs whose output is not a terminal (CI logs, `| tee`, nohup).

inspect's live display draws nothing there until the end, so a long run looks hung. While a run
executes without a terminal, this prints `samples done/total, elapsed, ETA` to stderr every
`interval` seconds (and when the last sample finishes), counted through inspect's own hooks.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from inspect_ai.hooks import Hooks, SampleEnd, TaskStart, hooks

INTERVAL_SECONDS = 30.0


@dataclass
class _Progress:
    interval: float
    started: float = field(default_factory=time.monotonic)
    total: int = 0
    done: int = 0
    last_print: float = field(default_factory=time.monotonic)

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        share = f" ({self.done / self.total:.0%})" if self.total else ""
        eta = ""
        if self.done and self.total > self.done:
            eta = f", ETA {_clock(elapsed / self.done * (self.total - self.done))}"
        return f"harness: {self.done}/{self.total or '?'} samples{share}, elapsed {_clock(elapsed)}{eta}"


_active: _Progress | None = None


@hooks(name="plugeval-progress", description="Prints one-line progress when plugeval's output is not a terminal.")
class _ProgressLines(Hooks):
    def enabled(self) -> bool:
        return _active is not None

    async def on_task_start(self, data: TaskStart) -> None:
        if _active is not None:
            dataset = len(data.spec.dataset.sample_ids or []) or (data.spec.dataset.samples or 0)
            limit = data.spec.config.limit
            if isinstance(limit, int):
                dataset = min(dataset, limit)
            elif isinstance(limit, (tuple, list)) and len(limit) == 2:
                dataset = min(dataset, limit[1] - limit[0])
            _active.total += dataset * (data.spec.config.epochs or 1)

    async def on_sample_end(self, data: SampleEnd) -> None:
        progress = _active
        if progress is None:
            return
        progress.done += 1
        now = time.monotonic()
        if now - progress.last_print >= progress.interval or progress.done == progress.total:
            progress.last_print = now
            print(progress.line(), file=sys.stderr, flush=True)


@contextmanager
def progress_lines(enabled: bool, interval: float = INTERVAL_SECONDS) -> Iterator[None]:
    """Print progress lines while the block runs, when `enabled`."""
    global _active
    _active = _Progress(interval) if enabled else None
    try:
        yield
    finally:
        _active = None


@contextmanager
def run_progress(inspect_args: Mapping[str, object]) -> Iterator[None]:
    """Progress lines while a run's block executes, when its output is not a terminal and no display
    was chosen; every `HARNESS_PROGRESS_SECONDS` (default 30)."""
    interval = float(os.environ.get("HARNESS_PROGRESS_SECONDS", str(INTERVAL_SECONDS)))
    with progress_lines(wants_progress_lines(inspect_args), interval):
        yield


def wants_progress_lines(options: Mapping[str, object]) -> bool:
    """No terminal and no display chosen: inspect would show nothing until the end."""
    return "display" not in options and not sys.stdout.isatty()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"
