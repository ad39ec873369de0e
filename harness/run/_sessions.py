"""Users who come back: samples of one user run in session order, with a memory that carries over.

A sample whose metadata has `harness_user` (any string) and `harness_session` (an integer) is one
session of that user (`_session_order` puts a run's users and their sessions in order). The
harness runs each user's sessions one after another, in session order, and different users in
parallel (`max_samples` still bounds how many samples run at once). It does so with inspect's
`SampleSource`: each user's first session starts the task, and when a session finishes (every
epoch of it) the user's next session is added — so no sample ever holds a concurrency slot while
it waits for an earlier one, whatever order the dataset lists them in.

Inside a solver, `user_memory()` is the current user's memory: a small key-value store of JSON
values that persists across that user's sessions within a run (a fresh one each epoch). What a
session read and wrote, and the memory after it, are kept in the sample's store (so the log shows
them); a resumed run takes the memory back from the samples it reuses. `user_memory.load=FILE`
seeds every user's memory from `{user: {key: value}}`, and `user_memory.save=FILE` writes the
memory each user ended the run with (the last epoch's; `_memory_file`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness._errors import ConfigError, HarnessError
from harness.run._session_order import SESSION_KEY, USER_KEY

MEMORY_STORE_KEY = "harness.user_memory"
"""Sample store key holding what the session read and wrote, and the memory after it."""


class UserMemory:
    """The current user's memory: JSON values by key, kept across the user's sessions in a run."""

    def __init__(self, values: dict[str, Any], record: dict[str, Any]) -> None:
        self._values = values
        self._record = record

    def get(self, key: str, default: Any = None) -> Any:
        """The value stored under `key` (a copy), or `default`."""
        if key not in self._record["read"]:
            self._record["read"].append(key)
            self._save()
        return copy.deepcopy(self._values.get(key, default))

    def set(self, key: str, value: Any) -> None:
        """Store a JSON value (str, number, bool, None, lists and dicts of them) under `key`.

        Raises:
            HarnessError: The value is not JSON.
        """
        try:
            json.dumps(value)
        except (TypeError, ValueError) as ex:
            raise HarnessError(f"user_memory().set({key!r}, ...): the value is not JSON ({ex})") from ex
        self._values[key] = copy.deepcopy(value)
        self._record["wrote"][key] = copy.deepcopy(value)
        self._save()

    def keys(self) -> list[str]:
        """The keys stored, in insertion order."""
        return list(self._values)

    def _save(self) -> None:
        from inspect_ai.util import store

        self._record["after"] = copy.deepcopy(self._values)
        store().set(MEMORY_STORE_KEY, copy.deepcopy(self._record))


@dataclass
class _Sessions:
    """One run's users, their remaining sessions and their memories (in this process)."""

    epochs: int
    seed: Mapping[str, dict[str, Any]]
    pending: dict[str, list[Any]]
    memories: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    done_epochs: dict[tuple[str, Any], int] = field(default_factory=dict)

    def memory(self, user: str, epoch: int) -> dict[str, Any]:
        key = (user, epoch)
        if key not in self.memories:
            self.memories[key] = copy.deepcopy(dict(self.seed.get(user, {})))
        return self.memories[key]

    def finished(self, sample: Any) -> list[Any] | None:
        """A session (one epoch of it) finished: its memory is taken, and once every epoch has, the next session."""
        metadata = sample.metadata or {}
        user = str(metadata.get(USER_KEY))
        kept = (sample.store or {}).get(MEMORY_STORE_KEY)
        if isinstance(kept, dict) and isinstance(kept.get("after"), dict):
            self.memories[(user, int(sample.epoch or 1))] = copy.deepcopy(kept["after"])
        key = (user, sample.id)
        self.done_epochs[key] = self.done_epochs.get(key, 0) + 1
        if self.done_epochs[key] < self.epochs or not self.pending.get(user):
            return None
        return [self.pending[user].pop(0)]


_active: _Sessions | None = None


def user_memory() -> UserMemory:
    """The memory of the user whose session is running (call it inside a solver or scorer).

    Raises:
        HarnessError: Not inside a session sample (one with `harness_user` metadata) of a harness run.
    """
    from inspect_ai.solver._task_state import sample_state  # private: the running sample's state
    from inspect_ai.util import store

    state = sample_state()
    user = (state.metadata or {}).get(USER_KEY) if state is not None else None
    if _active is None or state is None or user is None:
        raise HarnessError(
            "user_memory() is for the sessions of a user: call it in a solver of a sample whose metadata "
            f"has '{USER_KEY}' and '{SESSION_KEY}', run by the harness"
        )
    epoch = int(getattr(state, "epoch", 1) or 1)
    values = _active.memory(str(user), epoch)
    record = store().get(MEMORY_STORE_KEY) or {
        "user": str(user),
        "session": state.metadata.get(SESSION_KEY),
        "before": copy.deepcopy(values),
        "read": [],
        "wrote": {},
        "after": copy.deepcopy(values),
    }
    return UserMemory(values, record)


@contextmanager
def scheduled(
    task: Any,
    inspect_args: Mapping[str, Any],
    memory_files: Mapping[str, str],
    users: Mapping[str, Sequence[Any]] | None,
) -> Iterator[tuple[Any, dict[str, Any]]]:
    """The task to give inspect, with its arguments: in session order when its samples have users.

    `users` are the run's users' samples in session order (`_session_order.session_users`, `limit`
    applied), or None for a task without sessions, which is returned as it is. Otherwise the
    dataset becomes a `SampleSource` that starts each user's first session and adds the next one
    as the previous one finishes.
    """
    global _active
    args = dict(inspect_args)
    if users is None:
        yield task, args
        return
    from inspect_ai import SampleSource, task_with

    args.pop("limit", None)  # applied in `users`
    seed = _seed(memory_files.get("load"))
    sessions = _Sessions(int(args.get("epochs") or 1), seed, {u: list(s[1:]) for u, s in users.items()})

    async def complete(sample: Any) -> list[Any] | None:
        return sessions.finished(sample)

    async def abandoned(sample: Any, epoch: int) -> list[Any] | None:
        return sessions.finished(_Abandoned(sample, epoch))

    source = SampleSource.from_samples(
        [s[0] for s in users.values()], sample_complete=complete, sample_abandoned=abandoned
    )
    _active = sessions
    try:
        yield task_with(task, dataset=source), args
    finally:
        _active = None


@dataclass
class _Abandoned:
    """A session cancelled before it was logged, as `finished` reads a sample."""

    sample: Any
    epoch: int

    @property
    def metadata(self) -> Any:
        return self.sample.metadata

    @property
    def id(self) -> Any:
        return self.sample.id

    store: dict[str, Any] = field(default_factory=dict)


def _seed(path: str | None) -> dict[str, dict[str, Any]]:
    """The memories `user_memory.load=FILE` seeds: `{user: {key: value}}`.

    Raises:
        ConfigError: The file cannot be read or is not of that shape.
    """
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as ex:
        raise ConfigError(
            f"user_memory.load={path}: cannot read it as JSON ({ex}); give a file of {{user: {{key: value}}}}"
        ) from ex
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ConfigError(f"user_memory.load={path} must hold {{user: {{key: value}}}}")
    return data
