"""Everything a run needs to know about the lm-eval tasks, shared by the solver, scorer and metric."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from harness import ConfigError

from ._loading import LoadedTasks
from ._local import is_local
from ._requests import DocRequests, RenderOptions, output_type

ChoiceScoring = Literal["auto", "loglikelihood", "generate"]
GENERATED_CHOICE_KEY = "generated_choice_accuracy"
"""The score of a multiple-choice task run as inspect's `multiple_choice` (a letter the model writes),
named apart from lm-eval's `acc` (log-likelihood of each choice) because the two are not comparable."""


@dataclass(frozen=True)
class Plan:
    """The loaded lm-eval tasks, every document's requests, and how choices are scored.

    Attributes:
        loaded: The tasks and groups lm-eval resolved the name to.
        requests: Each document's lm-eval requests, by inspect sample id.
        options: How prompts were rendered.
        choice_scoring: `auto` (log-likelihood when the model can give it, else generated letter),
            `loglikelihood` or `generate`.
    """

    loaded: LoadedTasks
    requests: dict[str, DocRequests]
    options: RenderOptions
    choice_scoring: ChoiceScoring = "auto"

    def task(self, name: str) -> Any:
        """The lm-eval task object named `name`."""
        return self.loaded.tasks[name]

    def is_group_run(self) -> bool:
        return len(self.loaded.tasks) > 1 or bool(self.loaded.groups)

    def by_loglikelihood(self, model_name: str, strict: bool = True) -> bool:
        """Whether choices are scored by log-likelihood for this model (`strict`: raise if that is asked
        of a model that cannot give log-likelihoods)."""
        if self.choice_scoring == "generate":
            return False
        if is_local(model_name):
            return True
        if strict and self.choice_scoring == "loglikelihood":
            raise ConfigError(
                f"model {model_name} cannot give log-likelihoods (only local/ llama.cpp models can here); "
                "use task.multiple_choice=generate or auto"
            )
        return False

    def mean_keys(self, task_name: str, loglikelihood: bool) -> list[str]:
        """The `metric,filter` keys of a task that lm-eval averages over documents (a per-sample number)."""
        task = self.task(task_name)
        if output_type(task) != "generate_until" and not loglikelihood:
            return [GENERATED_CHOICE_KEY]
        from lm_eval.api.metrics import mean

        averaged = [name for name, aggregate in task.aggregation().items() if aggregate is mean]
        return [f"{metric},{name}" for name in filter_names(task) for metric in averaged]

    def shared_mean_keys(self, loglikelihood: bool) -> list[str]:
        """Mean keys every task of the run has: the per-sample values inspect averages (with CIs)."""
        names = list(self.loaded.tasks)
        first = self.mean_keys(names[0], loglikelihood)
        others = [set(self.mean_keys(name, loglikelihood)) for name in names[1:]]
        return [key for key in first if all(key in keys for keys in others)]


def filter_names(task: Any) -> list[str]:
    """The names of the task's filter pipelines (`none` when it defines none), in lm-eval's order."""
    return [ensemble.name for ensemble in filter_ensembles(task)]


def filter_ensembles(task: Any) -> list[Any]:
    """The task's lm-eval `FilterEnsemble`s, as its `apply_filters()` runs them.

    `Task._filters` is the one non-public attribute this plugin reads: lm-eval builds it from the
    task's `filter_list` (or `take_first`) and exposes it only through `apply_filters()`, which works
    on all documents at once; inspect scores one document at a time.
    """
    return list(task._filters)
