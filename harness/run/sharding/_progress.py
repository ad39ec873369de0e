"""One progress display for a run split among workers, fed by the workers' sample events.

On a terminal it is a single rich progress bar over all shards (unless `display=none`); without
one it prints the same `harness: done/total samples` lines as a single-process run
(`HARNESS_PROGRESS_SECONDS` apart, and when the last sample finishes).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from typing import Any

from harness.run._progress import _Progress


class ShardProgress:
    """Counts finished samples across workers and shows them as one run."""

    def __init__(self, options: Mapping[str, Any], total: int, workers: int, executor: str) -> None:
        display = options.get("display")
        self._lines: _Progress | None = None
        self._bar: Any = None
        self._task: Any = None
        self.done = 0
        self._refreshed = 0.0
        if display == "none":
            return
        if sys.stdout.isatty() and display not in ("plain", "log"):
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn(f"[bold]{executor}[/bold] x{workers}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=False,
                auto_refresh=False,  # no refresh thread: local workers are forked from this process
            )
            self._task = self._bar.add_task("samples", total=total)
            self._bar.start()
        else:
            interval = float(os.environ.get("HARNESS_PROGRESS_SECONDS", "30"))
            self._lines = _Progress(interval, total=total)
            print(f"harness: {total} samples on {workers} {executor} workers", file=sys.stderr, flush=True)

    def sample_done(self) -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.advance(self._task)
            now = time.monotonic()
            if now - self._refreshed >= 0.1 or self.done == self._bar.tasks[0].total:
                self._refreshed = now
                self._bar.refresh()
        elif self._lines is not None:
            lines = self._lines
            lines.done = self.done
            now = time.monotonic()
            if now - lines.last_print >= lines.interval or lines.done == lines.total:
                lines.last_print = now
                print(lines.line(), file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
