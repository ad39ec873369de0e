"""Detection metrics: did the agent ask exactly when the issue was underspecified?

Positive class = underspecified (summary shown); predicted positive = the agent asked at least once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from inspect_ai.scorer import Metric, SampleScore, metric


@dataclass(frozen=True)
class Confusion:
    """Counts of (truth, prediction) pairs."""

    tp: int
    fp: int
    tn: int
    fn: int

    @classmethod
    def of(cls, pairs: Iterable[tuple[bool, bool]]) -> Confusion:
        """From (underspecified, asked) pairs."""
        tp = fp = tn = fn = 0
        for truth, asked in pairs:
            tp += truth and asked
            fp += (not truth) and asked
            tn += (not truth) and (not asked)
            fn += truth and (not asked)
        return cls(tp, fp, tn, fn)

    def rates(self) -> dict[str, float]:
        """accuracy, precision, recall, f1, false-negative and false-positive rate (0 where undefined)."""
        total = self.tp + self.fp + self.tn + self.fn
        precision = _ratio(self.tp, self.tp + self.fp)
        recall = _ratio(self.tp, self.tp + self.fn)
        return {
            "accuracy": _ratio(self.tp + self.tn, total),
            "precision": precision,
            "recall": recall,
            "f1": _ratio(2 * precision * recall, precision + recall),
            "fnr": _ratio(self.fn, self.tp + self.fn),
            "fpr": _ratio(self.fp, self.fp + self.tn),
        }


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / denominator if denominator else 0.0


def _pairs(scores: list[SampleScore]) -> list[tuple[bool, bool]]:
    values = [_dict_value(s) for s in scores]
    return [(bool(v["underspecified"]), bool(v["asked"])) for v in values]


def _dict_value(score: SampleScore) -> dict[str, Any]:
    value = score.score.value
    return value if isinstance(value, dict) else {}


def _rate(name: str) -> Metric:
    def compute(scores: list[SampleScore]) -> float:
        return Confusion.of(_pairs(scores)).rates()[name]

    return compute


@metric(name="detection_accuracy")
def detection_accuracy() -> Metric:
    """Share of samples where asking matched underspecification."""
    return _rate("accuracy")


@metric
def precision() -> Metric:
    """Of the samples where the agent asked, the share that were underspecified."""
    return _rate("precision")


@metric
def recall() -> Metric:
    """Of the underspecified samples, the share where the agent asked."""
    return _rate("recall")


@metric
def f1() -> Metric:
    """Harmonic mean of precision and recall."""
    return _rate("f1")


@metric
def fnr() -> Metric:
    """Underspecified samples where the agent did not ask, over all underspecified."""
    return _rate("fnr")


@metric
def fpr() -> Metric:
    """Fully specified samples where the agent asked anyway, over all fully specified."""
    return _rate("fpr")
