"""Names every part of a run shares: log metadata keys, the run id, and how a stopped run is reported.

A leaf module: it imports nothing of the harness but its errors, so the single-process run,
the sharded run and the eval set can all use it without importing each other.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from harness._errors import HarnessError

RUN_ID_METADATA = "harness_run_id"
"""Key of the inspect log's eval metadata that holds the harness run id."""

SHARD_METADATA = "harness_shard"
"""Key of a shard log's eval metadata holding the shard's index."""

RUN_ID_ENV = "PLUGEVAL_RUN_ID"
"""Environment variable through which sandbox providers learn the run id they label containers with."""


class RunInterrupted(HarnessError):
    """The run was stopped (Ctrl-C, SIGTERM) before inspect wrote any log: nothing to record."""

    exit_code = 130


def new_run_id() -> str:
    """A fresh harness run id (12 hex digits)."""
    return uuid.uuid4().hex[:12]


@contextmanager
def sandbox_run_id(run_id: str) -> Iterator[None]:
    """Expose the run id to sandbox providers, which label their containers with it."""
    previous = os.environ.get(RUN_ID_ENV)
    os.environ[RUN_ID_ENV] = run_id
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(RUN_ID_ENV, None)
        else:
            os.environ[RUN_ID_ENV] = previous
