"""Which catalogue preferences a piece of text expresses: BM25 (bm25s) over the catalogue's wording.

Used by agents that read histories (the BM25 baseline, the scripted applier), by the history
validator, and by nothing that judges a session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ._catalogue import Catalogue, load_catalogue

_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stemmed word tokens without English stop words (bm25s with PyStemmer)."""
    import bm25s
    import Stemmer

    return bm25s.tokenize(
        texts, stopwords="en", stemmer=Stemmer.Stemmer("english"), return_ids=False, show_progress=False
    )  # type: ignore[no-any-return]


class Bm25Index:
    """A BM25 index over documents; `scores(query)` gives one score per document."""

    def __init__(self, documents: list[str]) -> None:
        import bm25s

        self.documents = documents
        self._index = bm25s.BM25()
        self._index.index(tokenize(documents), show_progress=False)

    def scores(self, query: str) -> list[float]:
        tokens = tokenize([query])[0]
        if not tokens:
            return [0.0] * len(self.documents)
        return [float(s) for s in self._index.get_scores(tokens)]

    def top(self, query: str, k: int) -> list[tuple[int, float]]:
        """The `k` best documents (index, score) with a positive score, best first."""
        ranked = sorted(enumerate(self.scores(query)), key=lambda pair: -pair[1])
        return [(i, s) for i, s in ranked[:k] if s > 0]


@dataclass
class PreferenceMatcher:
    """Finds the catalogue preferences a sentence states (best match above `threshold`, clear of the runner-up)."""

    catalogue: Catalogue = field(default_factory=load_catalogue)
    threshold: float = 3.0
    margin: float = 1.15
    _ids: list[str] = field(default_factory=list, init=False, repr=False)
    _index: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._ids = list(self.catalogue.preferences)
        self._index = Bm25Index([" ".join([p.statement, *p.says]) for p in self.catalogue.preferences.values()])

    def rank(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """The `k` preferences most like the text, with their BM25 scores."""
        return [(self._ids[i], score) for i, score in self._index.top(text, k)]

    def sentence(self, text: str) -> str | None:
        """The preference one sentence states, or None."""
        ranked = self.rank(text, 2)
        if not ranked or ranked[0][1] < self.threshold:
            return None
        if len(ranked) > 1 and ranked[0][1] < self.margin * ranked[1][1]:
            return None
        return ranked[0][0]

    def extract(self, text: str) -> list[str]:
        """Preferences stated in a text, sentence by sentence, in order; of two conflicting ones, the later wins."""
        found: list[str] = []
        for sentence in _SENTENCES.split(text):
            key = self.sentence(sentence)
            if key is None or key in found:
                continue
            found = [f for f in found if f not in self.catalogue[key].conflicts] + [key]
        return found
