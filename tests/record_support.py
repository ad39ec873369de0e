"""Real inspect runs turned into results records in this process: for tests of what a record says."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def record_of(task: Any, root: Path, name: str, not_run: int = 0, **eval_args: Any) -> tuple[Path, dict[str, Any]]:
    """Run `task` with inspect (mockllm unless `model=` is given) and write its results record under `root/name`."""
    from inspect_ai import eval

    from harness import install_offline_token_counting
    from harness.results._record_file import write_record

    install_offline_token_counting()
    eval_args = {"model": "mockllm/model", "display": "none", **eval_args}
    log = eval(task, log_dir=str(root / name / "logs"), **eval_args)[0]
    record = _record(log, name, not_run)
    return write_record(record, root / name), record


def record_of_log(log: Any, root: Path, name: str) -> tuple[Path, dict[str, Any]]:
    """The results record of an inspect log (e.g. one edited to look like an interrupted run's)."""
    from harness.results._record_file import write_record

    record = _record(log, name, 0)
    return write_record(record, root / name), record


def _record(log: Any, name: str, not_run: int) -> dict[str, Any]:
    from harness.results._record import build_record

    return build_record(
        run_id=name,
        log=log,
        task_ref=log.eval.task,
        params={},
        plugins=[],
        started_at="2026-01-01T00:00:00+00:00",
        completed_at="2026-01-01T00:00:01+00:00",
        wall_time=1.0,
        hook_errors=[],
        not_run=not_run,
    )


def fixed_scores(values: dict[str, Any], metrics: list[Any] | None = None, **scorer_metadata: Any) -> Any:
    """A task whose samples (ids = the keys) score exactly `values`."""
    from inspect_ai import Task
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import Score, mean, scorer

    @scorer(metrics=metrics or [mean()], name="fixed", **scorer_metadata)
    def fixed() -> Any:
        async def score(state: Any, target: Any) -> Score:
            return Score(value=values[str(state.sample_id)])

        return score

    return Task(dataset=[Sample(id=i, input="x") for i in values], scorer=fixed(), name="scored")
