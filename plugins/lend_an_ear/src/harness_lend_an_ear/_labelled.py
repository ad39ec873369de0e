"""The hand-labelled supporter turns, and the lexical detectors' precision and recall on them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ._lexical import detect
from ._moves import MOVES


@dataclass(frozen=True)
class LabelledTurn:
    """A supporter turn written by hand, with the moves a person marked in it."""

    id: str
    split: str
    seeker: str
    text: str
    moves: frozenset[str]


@dataclass(frozen=True)
class DetectorScore:
    """One move's detector against the labels: counts, precision and recall (None when undefined)."""

    move: str
    tp: int
    fp: int
    fn: int
    n: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def labelled_turns(split: str | None = None) -> list[LabelledTurn]:
    """The shipped labelled turns (`dev`, `held_out`, or both when split is None)."""
    text = resources.files("harness_lend_an_ear").joinpath("data/labelled_turns.json").read_text("utf-8")
    rows: list[dict[str, Any]] = json.loads(text)["turns"]
    return [
        LabelledTurn(r["id"], r["split"], r["seeker"], r["text"], frozenset(r["moves"]))
        for r in rows
        if split is None or r["split"] == split
    ]


def detector_scores(turns: list[LabelledTurn]) -> dict[str, DetectorScore]:
    """Precision and recall of each move's lexical detector over `turns`."""
    counts = {m: [0, 0, 0] for m in MOVES}
    for turn in turns:
        found = detect(turn.text)
        for move in MOVES:
            predicted, actual = bool(found[move].present), move in turn.moves
            index = 0 if predicted and actual else 1 if predicted else 2 if actual else None
            if index is not None:
                counts[move][index] += 1
    return {m: DetectorScore(m, c[0], c[1], c[2], len(turns)) for m, c in counts.items()}


def misses(turns: list[LabelledTurn]) -> list[tuple[str, str, str]]:
    """(turn id, move, `missed` or `false alarm`) for every disagreement with the labels."""
    wrong = []
    for turn in turns:
        found = detect(turn.text)
        for move in MOVES:
            if bool(found[move].present) != (move in turn.moves):
                wrong.append((turn.id, move, "false alarm" if found[move].present else "missed"))
    return wrong
