"""The sample running now, and who sits in its user seat: the harness's one place for both.

inspect has no public accessor for the sample a model call or tool serves; the seats need it (a
replayed conversation is the sample's, a person's page groups turns by sample). `current_sample()`
reads inspect's active sample. Whoever answers for a sample (a simulator, or a person through
one) is noted with `seat_served`, so that the survey after the conversation asks the same one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SEAT_STORE_KEY = "harness.seat"
"""Sample store key: who sat in the seat and the conversation they had (`seat`, `occupant`, `turns`)."""


@dataclass(frozen=True)
class ActiveSample:
    """The sample inspect is running in this task, as far as the harness needs it."""

    id: Any
    epoch: int
    uuid: str

    @property
    def key(self) -> str:
        """How a person's page names the conversation: `id` (and `#epoch` after the first)."""
        return f"{self.id}" if self.epoch == 1 else f"{self.id}#{self.epoch}"


def current_sample() -> ActiveSample | None:
    """The sample whose solver, tool or scorer is running now, or None outside a sample."""
    from inspect_ai.log._samples import sample_active  # private: inspect has no public accessor

    active = sample_active()
    if active is None:
        return None
    return ActiveSample(active.sample.id, int(active.epoch), str(active.id))


_occupants: dict[str, Any] = {}


def seat_served(simulator: Any, seat: str, turns: list[dict[str, str]], brief: str) -> None:
    """Note that `simulator` answered in the current sample's `seat` (`user` or `agent`), and the conversation so far.

    Args:
        simulator: Who answered.
        seat: Whose place it took in the task: `user`, or `agent` (a person as the model under test).
        turns: The conversation in the task's terms (`{"role": "user"|"agent", "text"}`).
        brief: What the occupant was told (the user's hidden information, or the task's instructions).
    """
    from inspect_ai.util import store

    sample = current_sample()
    if sample is None:
        return
    _occupants[sample.uuid] = simulator
    store().set(SEAT_STORE_KEY, {"seat": seat, "occupant": simulator.name, "brief": brief, "turns": turns})


def seat_occupant() -> Any | None:
    """The simulator that answered in the current sample's seat, if any (forgotten once asked)."""
    sample = current_sample()
    return _occupants.pop(sample.uuid, None) if sample is not None else None
