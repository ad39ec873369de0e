"""One side of `harness usi`: a run directory (or inspect log) or a conversations file, read into conversations."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.usi._conversations import Conversation, UsiInputError, read_conversations

_LOG_SUFFIXES = (".eval", ".json")


@dataclass(frozen=True)
class Source:
    """The conversations of one side and where they came from (the `reference`/`candidate` block of usi.json)."""

    conversations: list[Conversation]
    description: dict[str, Any]


def load_source(side: str, path: str, metric: str | None = None) -> Source:
    """Read `path` as a run (directory, .eval or .json log) or a conversations file (anything else).

    Raises:
        UsiInputError: `SIDE: ...`, naming the file (and line) and what is wrong, or that the side is empty.
    """
    where = Path(path)
    try:
        if where.is_dir() or where.suffix in _LOG_SUFFIXES:
            return _from_run(side, where, metric)
        conversations = read_conversations(where)
    except UsiInputError as error:
        raise UsiInputError(f"{side}: {error}") from None
    if not conversations:
        raise UsiInputError(f"{side}: {where} has no conversations (one JSON object per line)")
    return Source(
        conversations, {"path": str(where.resolve()), "kind": "conversations", "seats": _seats(conversations)}
    )


def _from_run(side: str, where: Path, metric: str | None) -> Source:
    from harness.usi._runs import read_run

    run = read_run(where, metric)
    skipped = dict(run.skipped)
    if not run.conversations:
        why = ", ".join(f"{count} {reason}" for reason, count in skipped.items()) or "it has no samples"
        raise UsiInputError(
            f"{side}: {where}: no sample with user-seat turns and a score ({why}); "
            "give a run of a task whose agent talks to a user seat"
        )
    description = {
        "path": str(where.resolve()),
        "kind": "run",
        "log": str(run.log.resolve()),
        "seats": _seats(run.conversations),
        "skipped": skipped,
    }
    return Source(run.conversations, description)


def _seats(conversations: list[Conversation]) -> list[str]:
    return sorted({c.seat for c in conversations if c.seat})


def check_comparable(reference: list[Conversation], candidate: list[Conversation]) -> None:
    """Refuse two sets that share no sample id and no task: they are not the same tasks.

    Raises:
        UsiInputError: No matching samples between the two sets.
    """
    if {c.id for c in reference} & {c.id for c in candidate}:
        return
    if {c.task for c in reference} & {c.task for c in candidate}:
        return
    raise UsiInputError(
        "no matching samples: reference and candidate share no sample id and no task; "
        "measure a simulator against people on the same task (same sample ids pair up)"
    )
