"""The steps the commands share: read runs, annotate, train a critic, score runs with one."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from harness import ConfigError

from ._annotate import Annotation, annotate
from ._critic_file import Critic
from ._judge import Judge, JudgeStats
from ._rubric import Rubric, load_rubric
from ._runs import LoggedSample, label_outcomes, read_runs, scorer_outcomes
from ._scoring import Scored, score_all
from ._train import TrainSettings, Training, train

DEFAULT_JUDGE = "local/smollm2-135m"
"""Judge when neither grader= nor $HARNESS_MODEL names one (harness's own default model)."""


@dataclass
class Annotated:
    """Runs read and annotated: samples, annotations and the judge's counts (None without a judge)."""

    samples: list[LoggedSample]
    annotations: list[Annotation]
    rubric: Rubric
    judge: Judge | None

    @property
    def stats(self) -> JudgeStats | None:
        """The judge's parse counts."""
        return self.judge.stats if self.judge else None


def make_judge(s: dict[str, Any], model: str | None = None) -> Judge:
    """The judge the settings describe (`grader`, `batch_size`, `max_tokens`, `retries`, `max_connections`)."""
    return Judge(
        model or s.get("grader") or os.environ.get("HARNESS_MODEL") or DEFAULT_JUDGE,
        batch_size=s.get("batch_size", 6),
        retries=s.get("retries", 1),
        max_tokens=s.get("max_tokens", 120),
        max_connections=s.get("max_connections", 4),
        max_chars=s.get("max_chars", 6000),
    )


def read_samples(s: dict[str, Any]) -> list[LoggedSample]:
    """The samples of `runs` (the first `limit` when set)."""
    samples = read_runs(s["runs"])
    return samples[: s["limit"]] if s.get("limit") else samples


def read_and_annotate(
    s: dict[str, Any],
    rubric: Rubric | None = None,
    judge: Judge | None = None,
    samples: list[LoggedSample] | None = None,
) -> Annotated:
    """Read `runs` (unless `samples` are given) and annotate them with `annotator` (a judge is made when needed)."""
    rubric = rubric or load_rubric(s.get("rubric"))
    if s.get("items"):
        rubric = rubric.subset(list(s["items"]))
    samples = samples if samples is not None else read_samples(s)
    annotator = s.get("annotator", "programmatic")
    if annotator != "programmatic" and judge is None:
        judge = make_judge(s)
    annotations = annotate([x.trace for x in samples], rubric, annotator, judge)
    return Annotated(samples, annotations, rubric, judge if annotator != "programmatic" else None)


def check_outcome_source(s: dict[str, Any]) -> None:
    """Exactly one of `outcome=` and `labels=`."""
    if bool(s.get("outcome")) == bool(s.get("labels")):
        raise ConfigError("give exactly one of outcome=SCORER (a score in the logs) or labels=FILE (human labels)")


def outcomes(s: dict[str, Any], samples: list[LoggedSample]) -> list[int | None]:
    """Outcomes from `outcome=SCORER` or `labels=FILE` (exactly one of them)."""
    check_outcome_source(s)
    if s.get("labels"):
        return label_outcomes(samples, s["labels"])
    return scorer_outcomes(samples, s["outcome"], s.get("success", 0.5))


def train_critic(s: dict[str, Any], annotated: Annotated, labels: list[int | None]) -> tuple[Critic, Training]:
    """Fit a critic from annotated runs and their outcomes; returns it with its cross-fitted evaluation."""
    settings = TrainSettings(
        folds=s.get("folds", 5),
        seed=s.get("seed", 0),
        bootstrap=s.get("bootstrap", 1000),
        coef_bootstrap=s.get("coef_bootstrap", 200),
        c=s.get("c", 1.0),
        semi_supervised=s.get("semi_supervised", True),
    )
    rubric = annotated.rubric
    training = train(
        [a.items for a in annotated.annotations],
        labels,
        [a.trace.sample_id for a in annotated.annotations],
        rubric.names,
        settings,
    )
    summary = {
        "runs": list(s["runs"]),
        "outcome": f"labels: {s['labels']}"
        if s.get("labels")
        else f"scorer: {s['outcome']} >= {s.get('success', 0.5)}",
        "date": datetime.date.today().isoformat(),
        "version": f"plugeval-critic-rubrics {_version()}",
        **training.summary,
    }
    if annotated.stats:
        summary["judgments"] = {
            "asked": annotated.stats.asked,
            "parsed": annotated.stats.parsed,
            "missing": annotated.stats.missing,
        }
    judge = {}
    if annotated.judge:
        judge = {
            "model": annotated.judge.name,
            "batch_size": annotated.judge.batch_size,
            "max_tokens": annotated.judge.max_tokens,
            "retries": annotated.judge.retries,
        }
    name = s.get("name") or Path(s.get("out") or f"critic-{rubric.name}").stem
    critic = Critic(
        name,
        {"name": rubric.name, "version": rubric.version, "source": rubric.source},
        s.get("annotator", "programmatic"),
        training.full,
        tuple(training.folds),
        summary,
        judge,
    )
    return critic, training


def score_runs(s: dict[str, Any], critic: Critic) -> tuple[Annotated, list[Scored]]:
    """Annotate `runs` the way the critic was trained (its rubric, annotator and judge) and score them."""
    rubric = critic.load_rubric(s.get("rubric"))
    rubric = rubric.subset([n for n in rubric.names if n in critic.full.weights])  # only what the critic reads
    judge = None
    if critic.annotator != "programmatic":
        judge = make_judge(
            {**critic.judge, **{k: v for k, v in s.items() if k == "grader"}},
            s.get("grader") or critic.judge.get("model"),
        )
    annotated = read_and_annotate({**s, "annotator": critic.annotator, "items": None}, rubric, judge)
    return annotated, score_all(critic, annotated.annotations)


def _version() -> str:
    try:
        return version("plugeval-critic-rubrics")
    except PackageNotFoundError:
        return "unknown"
