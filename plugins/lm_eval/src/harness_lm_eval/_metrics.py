"""lm-eval's results table from per-document scores: its aggregation functions and group weighting."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from inspect_ai.scorer import Metric, SampleScore, metric

if TYPE_CHECKING:
    from ._plan import Plan

_ROW_INFO = {"name", "alias", "sample_len", "sample_count"}


@metric(name="lm_eval")
def lm_eval_results(plan: Plan) -> Metric:
    """lm-eval's numbers: each task's metrics by its own aggregation function, each group's by
    `Group.aggregate` (lm-eval's size weighting), with lm-eval's closed-form standard errors.

    Reported as `TASK/metric,filter` and `TASK/metric_stderr,filter` (also for groups). Metrics that
    the per-sample `mean` already reports for a single task are left out here.
    """

    def compute(scores: list[SampleScore]) -> dict[str, float]:
        table = results_table(plan, [s.score.metadata.get("lm_eval") for s in scores if s.score.metadata])
        shown = set() if plan.is_group_run() else set(plan.shared_mean_keys(True)) | set(plan.shared_mean_keys(False))
        shown |= {stderr_key(key) for key in shown}
        out: dict[str, float] = {}
        for name, row in table.items():
            for key, value in row.items():
                if key in _ROW_INFO or key in shown or isinstance(value, (str, dict)) or value is None:
                    continue
                out[f"{name}/{key}"] = float(value)
        return out

    return compute


def results_table(plan: Plan, records: list[dict[str, Any] | None]) -> dict[str, dict[str, Any]]:
    """lm-eval's per-task and per-group results rows (`{"acc,none": ..., "acc_stderr,none": ..., ...}`)
    from the per-document metric values the scorer recorded."""
    items: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        if record:
            for key, value in record["metrics"].items():
                items[record["task"]][key].append(value)
    table: dict[str, dict[str, Any]] = {}
    for task_name, by_key in items.items():
        table[task_name] = _task_row(plan.task(task_name), task_name, by_key)
    for group in _bottom_up(list(plan.loaded.groups.values())):
        table[group.name] = group.aggregate(table)
    return table


def _task_row(task: Any, task_name: str, by_key: dict[str, list[Any]]) -> dict[str, Any]:
    from lm_eval.api.metrics import acc_all_stderr, mean, mean_stderr, stderr_for_metric

    row: dict[str, Any] = {"name": task_name, "sample_len": max(len(v) for v in by_key.values())}
    for key, values in by_key.items():
        aggregate = task.aggregation().get(key.partition(",")[0], mean)
        row[key] = aggregate(values)
        stderr = stderr_for_metric(aggregate, bootstrap_iters=1)
        # closed forms only: lm-eval's bootstrap for F1, BLEU... forks a process pool per metric
        if stderr in (mean_stderr, acc_all_stderr) and len(values) > 1:
            row[stderr_key(key)] = stderr(values)
    return row


def stderr_key(key: str) -> str:
    """lm-eval's name for the standard error of `metric,filter`: `metric_stderr,filter`."""
    metric_name, comma, filter_name = key.partition(",")
    return f"{metric_name}_stderr{comma}{filter_name}"


def _bottom_up(groups: list[Any]) -> list[Any]:
    """Groups with every subgroup before its parent, as lm-eval aggregates them."""
    ordered: list[Any] = []

    def visit(group: Any) -> None:
        if any(g is group for g in ordered):
            return
        for child in group.get_all_groups(recursive=False):
            visit(child)
        ordered.append(group)

    for group in groups:
        visit(group)
    return ordered
