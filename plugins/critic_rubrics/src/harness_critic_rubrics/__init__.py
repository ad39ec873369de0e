"""Critic Rubrics for plugeval: rubric features of agent traces, a learned critic, reranking and early stopping.

- `load_rubric`: the versioned rubric set (YAML, JSON-Schema validated).
- `annotate`: every rubric item of trajectories, by `DETECTORS`, by the LLM `Judge` (inspect's
  `grader` role), or both; `Annotation.row()` is one line of the annotation table.
- `train`: a logistic-regression critic on rubric features, cross-fitted by sample id;
  `save_critic`/`load_critic` write and read it as a scorer file (`scorer: critic`).
- `critic`: the scorer (`harness eval ... scorer=CRITIC.yaml`).
- `rerank`, `early_stopping`: best-of-k and early stopping over attempts of the same samples.
- `critic_synthetic`: the task behind the shipped synthetic traces.

The command line is `harness critic train|annotate|rerank|stop|curate|rubric`.
"""

from ._annotate import ANNOTATORS, Annotation, annotate, annotate_async
from ._critic_file import Critic, load_critic, save_critic
from ._detectors import DETECTORS, Decision
from ._judge import Judge, JudgeStats, parse_answers
from ._rerank import rerank
from ._rubric import Rubric, RubricItem, load_rubric
from ._runs import LoggedSample, label_outcomes, read_runs, scorer_outcomes
from ._stopping import early_stopping
from ._trace import Trace, trace_from_messages
from ._train import TrainSettings, Training, train

__all__ = [
    "ANNOTATORS",
    "DETECTORS",
    "Annotation",
    "Critic",
    "Decision",
    "Judge",
    "JudgeStats",
    "LoggedSample",
    "Rubric",
    "RubricItem",
    "Trace",
    "TrainSettings",
    "Training",
    "annotate",
    "annotate_async",
    "critic",
    "critic_synthetic",
    "early_stopping",
    "label_outcomes",
    "load_critic",
    "load_rubric",
    "parse_answers",
    "read_runs",
    "rerank",
    "save_critic",
    "scorer_outcomes",
    "trace_from_messages",
    "train",
]


def __getattr__(name: str):  # the scorer and task import inspect-ai's scorer/solver machinery: only when asked
    if name == "critic":
        from ._scorer import critic

        return critic
    if name == "critic_synthetic":
        from ._synthetic import critic_synthetic

        return critic_synthetic
    raise AttributeError(f"module 'harness_critic_rubrics' has no attribute {name!r}")
