"""MetricBank: existing text metrics from well-kept libraries, each with a metric card.

A metric takes an output text, its reference texts (possibly none) and the source text, and returns
a number. Reference-based metrics use the best-matching reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence

Compute = Callable[[str, Sequence[str], str], float]


@dataclass(frozen=True)
class MetricCard:
    """What a bank metric measures, what it needs, and its range."""

    name: str
    measures: str
    inputs: tuple[str, ...]
    """Which of output, references, source it reads."""
    value_range: tuple[float, float | None]
    higher_is_better: bool
    library: str

    @property
    def text(self) -> str:
        """The card as one searchable text (for retrieval)."""
        return f"{self.name.replace('_', ' ')}: {self.measures} Inputs: {', '.join(self.inputs)}. From {self.library}."


@dataclass(frozen=True)
class BankMetric:
    """A metric card and its implementation."""

    card: MetricCard
    compute: Compute


_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _bleu(output: str, references: Sequence[str], source: str) -> float:
    import sacrebleu

    return sacrebleu.sentence_bleu(output, list(references)).score if references else 0.0


def _chrf(output: str, references: Sequence[str], source: str) -> float:
    import sacrebleu

    return sacrebleu.sentence_chrf(output, list(references)).score if references else 0.0


def _ter(output: str, references: Sequence[str], source: str) -> float:
    import sacrebleu

    return sacrebleu.sentence_ter(output, list(references)).score if references else 0.0


@lru_cache(maxsize=1)
def _rouge():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)


def _rouge_l(output: str, references: Sequence[str], source: str) -> float:
    return max((_rouge().score(ref, output)["rougeL"].fmeasure for ref in references), default=0.0)


def _levenshtein(output: str, references: Sequence[str], source: str) -> float:
    from rapidfuzz.distance import Levenshtein

    return max((Levenshtein.normalized_similarity(output, ref) for ref in references), default=0.0)


def _jaro_winkler(output: str, references: Sequence[str], source: str) -> float:
    from rapidfuzz.distance import JaroWinkler

    return max((JaroWinkler.similarity(output, ref) for ref in references), default=0.0)


def _distinct(n: int) -> Compute:
    def compute(output: str, references: Sequence[str], source: str) -> float:
        words = _words(output)
        grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
        return len(set(grams)) / len(grams) if grams else 0.0

    return compute


@lru_cache(maxsize=1)
def _hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="en_US")


def _syllables(word: str) -> int:
    return max(1, len(_hyphenator().positions(word)) + 1)


def _fkgl(output: str, references: Sequence[str], source: str) -> float:
    """Flesch–Kincaid grade level; syllables from pyphen's bundled hyphenation dictionary (offline)."""
    words = _words(output)
    sentences = max(1, len([s for s in re.split(r"[.!?]+", output) if s.strip()]))
    if not words:
        return 0.0
    syllables = sum(_syllables(w) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59


def _length_words(output: str, references: Sequence[str], source: str) -> float:
    return float(len(_words(output)))


def _compression(output: str, references: Sequence[str], source: str) -> float:
    return len(_words(output)) / max(1, len(_words(source)))


def _source_overlap(output: str, references: Sequence[str], source: str) -> float:
    out, src = set(_words(output)), set(_words(source))
    return len(out & src) / len(out) if out else 0.0


def _card(name, measures, inputs, value_range, higher, library) -> MetricCard:
    return MetricCard(name, measures, tuple(inputs), value_range, higher, library)


BANK: dict[str, BankMetric] = {
    m.card.name: m
    for m in [
        BankMetric(
            _card(
                "bleu",
                "n-gram precision overlap with reference texts (translation, simplification, summarization adequacy).",
                ["output", "references"],
                (0, 100),
                True,
                "sacrebleu",
            ),
            _bleu,
        ),
        BankMetric(
            _card(
                "chrf",
                "character n-gram F-score against references; robust to morphology and small wording changes.",
                ["output", "references"],
                (0, 100),
                True,
                "sacrebleu",
            ),
            _chrf,
        ),
        BankMetric(
            _card(
                "ter",
                "translation edit rate: edits needed to turn the output into a reference (lower is better).",
                ["output", "references"],
                (0, None),
                False,
                "sacrebleu",
            ),
            _ter,
        ),
        BankMetric(
            _card(
                "rouge_l",
                "longest common subsequence F-measure with references; content coverage "
                "for summaries and simplifications.",
                ["output", "references"],
                (0, 1),
                True,
                "rouge-score",
            ),
            _rouge_l,
        ),
        BankMetric(
            _card(
                "levenshtein",
                "normalized character edit similarity to the closest reference.",
                ["output", "references"],
                (0, 1),
                True,
                "rapidfuzz",
            ),
            _levenshtein,
        ),
        BankMetric(
            _card(
                "jaro_winkler",
                "Jaro-Winkler string similarity to the closest reference; rewards shared prefixes.",
                ["output", "references"],
                (0, 1),
                True,
                "rapidfuzz",
            ),
            _jaro_winkler,
        ),
        BankMetric(
            _card(
                "distinct_1",
                "share of distinct words: lexical diversity, repetition, reference-free.",
                ["output"],
                (0, 1),
                True,
                "builtin",
            ),
            _distinct(1),
        ),
        BankMetric(
            _card(
                "distinct_2",
                "share of distinct word bigrams: diversity and repetition, reference-free.",
                ["output"],
                (0, 1),
                True,
                "builtin",
            ),
            _distinct(2),
        ),
        BankMetric(
            _card(
                "fkgl",
                "Flesch-Kincaid grade level: readability, simplicity of words and sentences (lower is simpler).",
                ["output"],
                (-3.4, None),
                False,
                "pyphen",
            ),
            _fkgl,
        ),
        BankMetric(
            _card(
                "length_words",
                "length of the output in words; verbosity, brevity.",
                ["output"],
                (0, None),
                False,
                "builtin",
            ),
            _length_words,
        ),
        BankMetric(
            _card(
                "compression",
                "output length over source length; how much a simplification or summary shortens the source.",
                ["output", "source"],
                (0, None),
                False,
                "builtin",
            ),
            _compression,
        ),
        BankMetric(
            _card(
                "source_overlap",
                "share of output words taken from the source; faithfulness, meaning preservation versus rewriting.",
                ["output", "source"],
                (0, 1),
                True,
                "builtin",
            ),
            _source_overlap,
        ),
    ]
}
"""Every bank metric by name."""
