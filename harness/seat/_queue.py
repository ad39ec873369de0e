"""What a person in the seat is asked, in order: turns to answer and surveys to fill, each answered once.

The queue is shared between the run's event loop (which adds items and waits for their answers)
and the web server's threads (which show the items and take the answers), so every access holds
one lock. An answer is accepted once: a second answer to the same item (a double click, a second
tab, a reload that posts again) is refused, and the first one stands.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["turn", "survey"]


@dataclass
class Item:
    """One thing the person is asked.

    Attributes:
        id: Unique within the run (the page posts it back with the answer).
        kind: `turn` (type the next message) or `survey` (rate the conversation).
        conversation: Which conversation it belongs to (`sample id` and epoch).
        seat: `user` (the person plays the user) or `agent` (the person plays the model under test).
        brief: What the person is told (the user's hidden information, or the task's instructions).
        messages: The conversation so far, as the person sees it: `[{"who": "you"|"other", "text"}]`.
        questions: For a survey: the questions, each with its scale.
        answer: The answer, once given.
    """

    id: str
    kind: Kind
    conversation: str
    seat: str
    brief: str
    messages: list[dict[str, str]] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    answer: Any = None
    asked_at: float = field(default_factory=time.time)
    answered: threading.Event = field(default_factory=threading.Event, repr=False)

    def public(self) -> dict[str, Any]:
        """What the page receives."""
        return {
            "id": self.id,
            "kind": self.kind,
            "conversation": self.conversation,
            "seat": self.seat,
            "brief": self.brief,
            "messages": self.messages,
            "questions": self.questions,
        }


class SeatQueue:
    """Items waiting for the person, oldest first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, Item] = {}
        self._ids = itertools.count(1)
        self.answered = 0

    def add(self, kind: Kind, conversation: str, seat: str, brief: str, **details: Any) -> Item:
        """Put an item in the queue and return it (wait on `item.answered`)."""
        with self._lock:
            item = Item(f"q{next(self._ids)}", kind, conversation, seat, brief, **details)
            self._items[item.id] = item
            return item

    def answer(self, item_id: str, answer: Any) -> bool:
        """Take the answer to `item_id`; False when there is no such open item (answered already, or withdrawn)."""
        with self._lock:
            item = self._items.pop(item_id, None)
            if item is None:
                return False
            item.answer = answer
            self.answered += 1
        item.answered.set()
        return True

    def withdraw(self, item: Item) -> None:
        """Take an item out unanswered (its wait timed out or its sample was cancelled)."""
        with self._lock:
            self._items.pop(item.id, None)

    def state(self) -> dict[str, Any]:
        """The active item (the oldest), how many wait behind it, and how many were answered."""
        with self._lock:
            waiting = sorted(self._items.values(), key=lambda i: (i.asked_at, int(i.id[1:])))
            return {
                "active": waiting[0].public() if waiting else None,
                "waiting": max(0, len(waiting) - 1),
                "conversations": sorted({i.conversation for i in waiting}),
                "answered": self.answered,
            }
