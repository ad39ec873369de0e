"""Scripted policies that prove each task works: a careful one avoids the pattern, a naive one falls for it.

Both read the same snapshot an agent gets and act through the same episode actions.

- naive: fills the fields the goal gives (and ticks required boxes, or no form would submit), leaves
  every other default as it is, and clicks the most prominent control whose label shares a word with
  the goal.
- careful: fills the fields, sets every tick box, radio group and drop-down to what the goal asks
  (ticking nothing the goal does not ask for, and reading negated labels), removes line items the
  goal did not ask for, declines offers, and moves on with the control that best matches the goal
  and mentions nothing the goal rules out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from ._model import Goal
from ._snapshot import Control, Snapshot
from ._words import content_words, declines, mentions, negations

ActionKind = Literal["click", "type", "select", "stop"]


@dataclass(frozen=True)
class Action:
    """What a policy does next."""

    kind: ActionKind
    ref: str = ""
    text: str = ""
    why: str = ""


@dataclass
class Memory:
    """What a policy remembers within an episode."""

    clicked: set[tuple[str, str]] = field(default_factory=set)
    typed: set[tuple[str, str]] = field(default_factory=set)
    visits: dict[str, int] = field(default_factory=dict)


class Policy(Protocol):
    """A scripted policy: the next action for a goal and a snapshot."""

    name: str

    def decide(self, goal: Goal, snapshot: Snapshot, memory: Memory) -> Action: ...


MAX_VISITS_PER_PAGE = 20
"""Decisions a policy may take on one page before it gives up (a guard against loops)."""


def _page_key(snapshot: Snapshot) -> str:
    return snapshot.path


def _fill(goal: Goal, snapshot: Snapshot, memory: Memory) -> Action | None:
    for control in snapshot.controls:
        if control.role != "textbox" or control.disabled:
            continue
        for label, value in goal.fill.items():
            if _label_matches(control.name, label) and control.value != value:
                key = (_page_key(snapshot), control.name)
                if key in memory.typed and control.value:
                    continue
                memory.typed.add(key)
                return Action("type", control.ref, value, f"fill {label}")
    return None


def _label_matches(name: str, label: str) -> bool:
    return name.strip().lower() == label.strip().lower() or mentions(name, label)


def _buttons(snapshot: Snapshot, memory: Memory) -> list[Control]:
    page = _page_key(snapshot)
    return [
        c
        for c in snapshot.controls
        if c.role in ("button", "link") and not c.disabled and not c.nav and (page, c.name) not in memory.clicked
    ]


def _click(control: Control, snapshot: Snapshot, memory: Memory, why: str) -> Action:
    memory.clicked.add((_page_key(snapshot), control.name))
    return Action("click", control.ref, why=why)


def _too_many_visits(snapshot: Snapshot, memory: Memory) -> bool:
    page = _page_key(snapshot)
    memory.visits[page] = memory.visits.get(page, 0) + 1
    return memory.visits[page] > MAX_VISITS_PER_PAGE


class NaivePolicy:
    """Clicks the most prominent control that mentions the goal's words; never changes a default."""

    name = "naive"

    def decide(self, goal: Goal, snapshot: Snapshot, memory: Memory) -> Action:
        if _too_many_visits(snapshot, memory):
            return Action("stop", why="going in circles")
        filled = _fill(goal, snapshot, memory)
        if filled:
            return filled
        for control in snapshot.controls:  # the form would not submit otherwise
            if control.role == "checkbox" and control.required and not control.checked:
                return Action("click", control.ref, why=f"tick the required {control.name!r}")
        words = content_words(goal.text)
        candidates = [c for c in _buttons(snapshot, memory) if content_words(c.name) & words]
        if not candidates:
            return Action("stop", why="nothing on the page mentions the goal")
        best = max(candidates, key=lambda c: (c.prominence, len(content_words(c.name) & words), -c.y))
        return _click(best, snapshot, memory, "most prominent control mentioning the goal")


class CarefulPolicy:
    """Reads labels against the goal: opts out, removes extras, declines offers, avoids ruled-out things."""

    name = "careful"

    def decide(self, goal: Goal, snapshot: Snapshot, memory: Memory) -> Action:
        if _too_many_visits(snapshot, memory):
            return Action("stop", why="going in circles")
        for step in (self._remove_extras, _fill, self._tick, self._choose):
            action = step(goal, snapshot, memory)
            if action:
                return action
        return self._advance(goal, snapshot, memory)

    @staticmethod
    def _wanted(goal: Goal, label: str) -> bool:
        return any(mentions(label, phrase) for phrase in goal.choose)

    @staticmethod
    def _ruled_out(goal: Goal, label: str) -> bool:
        return any(mentions(label, phrase) for phrase in goal.avoid)

    def _tick(self, goal: Goal, snapshot: Snapshot, memory: Memory) -> Action | None:
        for control in snapshot.controls:
            if control.role != "checkbox" or control.disabled:
                continue
            if control.required:
                want = True
            elif self._wanted(goal, control.name) and not self._ruled_out(goal, control.name):
                want = negations(control.name) % 2 == 0
            else:  # not asked for: leave it out, reading "tick if you do NOT want ..." the other way round
                want = negations(control.name) % 2 == 1
            if control.checked != want:
                return Action("click", control.ref, why=f"{'tick' if want else 'untick'} {control.name!r}")
        return None

    def _choose(self, goal: Goal, snapshot: Snapshot, memory: Memory) -> Action | None:
        groups: dict[str, list[Control]] = {}
        for control in snapshot.controls:
            if control.role == "radio" and control.group and not control.disabled:
                groups.setdefault(control.group, []).append(control)
        for options in groups.values():
            wanted = [o for o in options if self._wanted(goal, o.name) and not self._ruled_out(goal, o.name)]
            if wanted and not any(o.checked for o in wanted):
                return Action("click", wanted[0].ref, why=f"choose {wanted[0].name!r}")
            if not wanted and any(o.checked and self._ruled_out(goal, o.name) for o in options):
                fallback = next((o for o in options if not self._ruled_out(goal, o.name)), None)
                if fallback:
                    return Action("click", fallback.ref, why=f"choose {fallback.name!r} over a ruled-out default")
        for control in snapshot.controls:
            if control.options is None or control.disabled:
                continue
            choices = [str(o) for o in control.options if self._wanted(goal, o) and not self._ruled_out(goal, o)]
            if choices and control.value not in choices:
                return Action("select", control.ref, choices[0], why=f"select {choices[0]!r}")
        return None

    def _remove_extras(self, goal: Goal, snapshot: Snapshot, memory: Memory) -> Action | None:
        for control in _buttons(snapshot, memory):
            lowered = control.name.lower()
            if lowered.startswith(("remove ", "delete ")) and not self._wanted(goal, control.name):
                return _click(control, snapshot, memory, f"remove what the goal did not ask for: {control.name!r}")
        return None

    def _advance(self, goal: Goal, snapshot: Snapshot, memory: Memory) -> Action:
        words = content_words(goal.text)
        avoided = set().union(*(content_words(p) for p in goal.avoid)) if goal.avoid else set()

        def score(control: Control) -> tuple[float, int, int]:
            name = control.name
            value = float(len((content_words(name) & words) - avoided))
            if declines(name):  # "continue without X" names X, and is how to refuse it
                value += 3
            elif self._ruled_out(goal, name):
                value -= 10
            if self._wanted(goal, name):
                value += 2
            if name.lower().startswith(("remove ", "delete ")):
                value -= 10
            return value, control.prominence, -control.y

        scored = [(score(c), c) for c in _buttons(snapshot, memory)]
        # a neutral control ("Manage options", "Save my choices") only when nothing better is on offer, and
        # only a button or a dialog's link: a plain page link ("Back to headlines") is no step forward
        candidates = [(s, c) for s, c in scored if s[0] > 0] or [
            (s, c) for s, c in scored if s[0] == 0 and (c.role == "button" or snapshot.modal)
        ]
        if not candidates:
            return Action("stop", why="no control leads on towards the goal")
        best = max(candidates, key=lambda pair: pair[0])[1]
        return _click(best, snapshot, memory, "best match for the goal, nothing ruled out")


POLICIES: dict[str, Policy] = {"naive": NaivePolicy(), "careful": CarefulPolicy()}
