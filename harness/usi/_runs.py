"""Conversations of a run: the user-seat turns, outcome, difficulty and survey of each sample of an inspect log.

Where each part comes from (per sample; samples that errored or have no user turn are left out):
- turns: the harness's conversation record (sample store `harness.simulation`, written by `ask_user`):
  each answered question becomes an agent turn and the seat's answer a user turn (turns asked over
  the budget are the harness's reply, not the seat's, and are dropped); without one, the user seat's
  own record (store `harness.seat`, written when `sim/NAME` or a person sits in inspect's user
  role); without that, the replies a seat recorded in the transcript (`info` events of source
  `user seat`). A seat in the agent's place (a person as the model under test) is not a user seat.
- success: the sample's score from `metric` (default: its first scorer), 1 when it is worth at
  least 0.5 (`C`, `1`, `true` ...).
- difficulty: `metadata["difficulty"]`, an integer 1-5.
- ratings: the survey stored with the sample: the store entry `harness.survey` or
  `metadata["ratings"]`, a mapping question -> number (or `{"ratings": {...}}`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.simulation import STORE_KEY
from harness.usi._conversations import Conversation, ConversationTurn, UsiInputError

SURVEY_STORE_KEY = "harness.survey"
"""Sample store entry with the seat's survey answers (question -> rating)."""

SEAT_STORE_KEY = "harness.seat"
"""Sample store entry a seat (`sim/NAME`, a person) keeps: `{"seat": "user"|"agent", "occupant", "turns"}`."""

SEAT_EVENT_SOURCE = "user seat"
"""Transcript `info` source of the replies a `sim/NAME` seat records (harness.models' SEAT_SOURCE)."""

_LOG_SUFFIXES = (".eval", ".json")
_NOT_LOGS = {"results.json", "run.json", "index.json", "usi.json"}


@dataclass
class RunConversations:
    """The conversations read from one run, and what was left out and why."""

    log: Path
    conversations: list[Conversation]
    skipped: Counter[str] = field(default_factory=Counter)


def find_log(path: str | Path) -> Path:
    """The inspect log of a run directory (through its results.json), or `path` itself when it is a log.

    Raises:
        UsiInputError: No log, or several, to choose from.
    """
    where = Path(path)
    if where.is_file():
        return where
    if not where.is_dir():
        raise UsiInputError(f"{where}: no such run directory or conversations file")
    record = where / "results.json"
    if record.is_file():
        try:
            logged = json.loads(record.read_text(encoding="utf-8")).get("inspect_log")
        except (json.JSONDecodeError, AttributeError):
            logged = None
        for candidate in (Path(logged) if logged else None, where / Path(logged).name if logged else None):
            if candidate is not None and candidate.is_file():
                return candidate
    logs = sorted(p for p in where.iterdir() if p.suffix in _LOG_SUFFIXES and p.name not in _NOT_LOGS)
    if len(logs) == 1:
        return logs[0]
    if not logs:
        raise UsiInputError(f"{where}: no inspect log in this directory (give a run directory of `harness eval`)")
    names = ", ".join(p.name for p in logs[:3])
    raise UsiInputError(f"{where}: {len(logs)} inspect logs ({names}...); give one run directory or log file")


def read_run(path: str | Path, metric: str | None = None) -> RunConversations:
    """The conversations of the run at `path` (a run directory or an inspect log file).

    Raises:
        UsiInputError: No log, an unreadable log, or `metric` is not a scorer of the run.
    """
    from inspect_ai.log import read_eval_log, read_eval_log_samples

    log = find_log(path)
    result = RunConversations(log, [])
    try:
        task = read_eval_log(log, header_only=True).eval.task
        for sample in read_eval_log_samples(log, all_samples_required=False):
            conversation = _conversation(sample, metric, task, result.skipped)
            if conversation is not None:
                result.conversations.append(conversation)
    except UsiInputError:
        raise
    except Exception as error:  # inspect raises several kinds for a file that is not a log
        raise UsiInputError(f"{log}: not a readable inspect log ({type(error).__name__}: {error})") from None
    return result


def read_run_conversations(path: str | Path, metric: str | None = None) -> list[Conversation]:
    """The conversations of a run directory or inspect log (what `harness usi export` writes).

    Args:
        path: A run directory of `harness eval`, or an inspect log file.
        metric: The scorer whose score is task success (default: each sample's first).

    Raises:
        UsiInputError: See `read_run`.
    """
    return read_run(path, metric).conversations


def _conversation(sample: Any, metric: str | None, task: str, skipped: Counter[str]) -> Conversation | None:
    if sample.error is not None:
        skipped["errored"] += 1
        return None
    turns, seat = _turns(sample)
    if not any(t.role == "user" for t in turns):
        skipped["no user turn"] += 1
        return None
    success = _success(sample, metric)
    if success is None:
        skipped["not scored"] += 1
        return None
    sample_id = str(sample.id) if sample.epoch == 1 else f"{sample.id}#{sample.epoch}"
    instance = str((sample.metadata or {}).get("task") or task)
    return Conversation(sample_id, instance, tuple(turns), success, _difficulty(sample), _ratings(sample), seat)


def _turns(sample: Any) -> tuple[list[ConversationTurn], str | None]:
    store = sample.store or {}
    record = store.get(STORE_KEY) or {}
    turns: list[ConversationTurn] = []
    for turn in record.get("turns", []):
        if not turn.get("over_budget"):
            turns.append(ConversationTurn("agent", str(turn.get("question", ""))))
            turns.append(ConversationTurn("user", str(turn["answer"])))
    if turns:
        return turns, record.get("simulator")
    seat = store.get(SEAT_STORE_KEY) or {}
    if seat.get("seat") == "user" and seat.get("turns"):
        kept = [t for t in seat["turns"] if t.get("role") in ("user", "agent")]
        return [ConversationTurn(t["role"], str(t.get("text", ""))) for t in kept], seat.get("occupant")
    return _seat_events(sample)


def _seat_events(sample: Any) -> tuple[list[ConversationTurn], str | None]:
    turns, occupant = [], None
    for event in sample.events or []:
        if getattr(event, "event", None) == "info" and getattr(event, "source", None) == SEAT_EVENT_SOURCE:
            data = event.data if isinstance(event.data, Mapping) else {}
            turns.append(ConversationTurn("user", str(data.get("text", ""))))
            occupant = occupant or data.get("simulator") or data.get("seat")
    return turns, occupant


def _success(sample: Any, metric: str | None) -> int | None:
    from inspect_ai.scorer import value_to_float

    scores = sample.scores or {}
    if not scores:
        return None
    if metric is not None and metric not in scores:
        raise UsiInputError(f"sample {sample.id}: no score '{metric}'; its scorers: {', '.join(scores)} (metric=NAME)")
    value = scores[metric or next(iter(scores))].value
    if isinstance(value, (dict, list)):
        return None
    return 1 if value_to_float()(value) >= 0.5 else 0


def _difficulty(sample: Any) -> int | None:
    raw: Any = (sample.metadata or {}).get("difficulty")
    try:
        level = int(raw)
    except (TypeError, ValueError):
        return None
    return level if 1 <= level <= 5 and float(raw) == level else None


def _ratings(sample: Any) -> dict[str, float]:
    raw = (sample.store or {}).get(SURVEY_STORE_KEY) or (sample.metadata or {}).get("ratings") or {}
    if isinstance(raw, Mapping) and "ratings" in raw:  # the survey's record: {"occupant", "ratings": {...} or None}
        raw = raw["ratings"]
    if not isinstance(raw, Mapping):
        return {}
    return {
        str(q): float(r) for q, r in raw.items() if isinstance(r, (int, float)) and not isinstance(r, bool) and r == r
    }
