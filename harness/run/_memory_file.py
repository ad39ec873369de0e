"""`user_memory.save=FILE`: the memory each user ended a run with, read from the run's log and written out.

The memory a session left is in its sample's store (`harness.user_memory`, see `_sessions`), so what
is saved is what the log holds, also for a resumed run's reused samples.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness._errors import storage_error
from harness.run._logs import log_samples
from harness.run._session_order import SESSION_KEY
from harness.run._sessions import MEMORY_STORE_KEY


def final_memories(log_location: str) -> dict[str, dict[str, Any]]:
    """The memory each user ended the run with: after the user's last session, in the last epoch."""
    last: dict[str, tuple[tuple[int, Any], dict[str, Any]]] = {}
    for sample in log_samples(log_location, exclude_fields={"messages", "events", "attachments"}):
        kept = (sample.store or {}).get(MEMORY_STORE_KEY)
        if not isinstance(kept, dict) or not isinstance(kept.get("after"), dict):
            continue
        order = (int(sample.epoch or 1), (sample.metadata or {}).get(SESSION_KEY, 0))
        user = str(kept.get("user"))
        if user not in last or order >= last[user][0]:
            last[user] = (order, kept["after"])
    return {user: memory for user, (_, memory) in last.items()}


def save_memories(log_location: str, path: str) -> None:
    """Write `final_memories` of a run's log to `path` (`user_memory.save=FILE`).

    Raises:
        StorageError: The file cannot be written.
    """
    try:
        Path(path).write_text(json.dumps(final_memories(log_location), indent=2) + "\n", encoding="utf-8")
    except OSError as ex:
        raise storage_error(path, ex) from ex
