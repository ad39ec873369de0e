"""Where a run's samples execute, and the fast settings the harness picks when the user leaves them open.

The rule (docs/scale-out.md, "Fast by default"): a *light* run — no sandbox, and no task
metadata `harness_heavy` (a task that holds a browser or a container of its own per sample
sets it) — is bound by the model's latency and by inspect's CPU per sample, so when the user
has not chosen otherwise the harness

- runs `workers=auto` on as many worker processes as there are cores (at most one per
  `MIN_SAMPLES_PER_WORKER` samples: starting and merging a worker costs about a second);
- with no `workers` at all, does the same for runs of at least `AUTO_WORKERS_FROM` samples;
- lets `max_samples` run above `max_connections` (`SAMPLES_PER_CONNECTION` times it), so the
  next samples start while earlier ones wait on the model;
- turns inspect's realtime log streaming off under `display=none` (the finished log is the same).

A heavy run keeps inspect's concurrency defaults (`max_samples` bounds its containers or
browsers), and its errors are mostly the infrastructure's (a timeout under load, a container that
would not start): unless `retry_on_error` is set, a sample that errors is retried `infra_retries`
times (default `INFRA_RETRIES`), and what still fails is reported apart from the score.
`workers=auto` still means one worker per core. Every choice made is listed in
`Execution.tuned` and printed, so a run says what it did.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness._errors import ConfigError

EXECUTORS = ("local", "ray")
HEAVY_METADATA = "harness_heavy"
"""Task metadata key: truthy when each sample holds a heavy resource of the task's own (a browser...)."""
AUTO_WORKERS_FROM = 400
"""A light run with no `workers` setting uses one worker per core from this many samples on."""
MIN_SAMPLES_PER_WORKER = 100
SAMPLES_PER_CONNECTION = 2
INFRA_RETRIES = 2


@dataclass(frozen=True)
class Execution:
    """How a run's samples are executed.

    Attributes:
        workers: Worker processes (or Ray tasks); 1 runs in this process.
        executor: `local` (worker processes on this machine) or `ray`.
        ray: Ray settings (`address`, `num_cpus`, `runtime_env`).
        tuned: What the harness chose by itself, as `key=value` notes.
    """

    workers: int = 1
    executor: str = "local"
    ray: Mapping[str, Any] = field(default_factory=dict)
    tuned: tuple[str, ...] = ()

    @property
    def sharded(self) -> bool:
        """Whether the samples are split among workers or Ray tasks."""
        return self.workers > 1 or self.executor == "ray"


def resolve_workers(value: Any) -> int:
    """`workers=N` or `workers=auto` (the machine's cores) as a count.

    Raises:
        ConfigError: Not a positive integer or `auto`.
    """
    if value is None:
        return 1
    if value == "auto":
        return os.cpu_count() or 1
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"workers must be a positive integer or 'auto', got {value!r} (e.g. workers=4)")
    return value


def execution_for(
    options: Mapping[str, Any], inspect_args: Mapping[str, Any], task: Any, one_process: bool = False
) -> tuple[Execution, dict[str, Any]]:
    """The execution of a run and its inspect arguments, with the fast settings for a light run.

    Args:
        one_process: The run must stay in one process (a person's web seat): no workers chosen.

    Raises:
        ConfigError: A bad `workers` or `executor` setting.
    """
    executor = options.get("executor", "local")
    if executor not in EXECUTORS:
        raise ConfigError(f"executor must be one of {', '.join(EXECUTORS)}, got '{executor}'")
    workers = 1 if one_process else resolve_workers(options.get("workers"))
    args = dict(inspect_args)
    tuned: list[str] = []
    if is_light(task, args):
        samples = _sample_count(task, args)
        if options.get("workers") in (None, "auto") and executor == "local" and not one_process:
            workers = _light_workers(samples, explicit=options.get("workers") == "auto")
            if workers > 1 or options.get("workers") == "auto":
                tuned.append(f"workers={workers}")
        if "max_connections" in args and "max_samples" not in args:
            args["max_samples"] = args["max_connections"] * SAMPLES_PER_CONNECTION
            tuned.append(f"max_samples={args['max_samples']}")
        if args.get("display") == "none" and "log_realtime" not in args:
            args["log_realtime"] = False
            tuned.append("log_realtime=false")
    elif "retry_on_error" not in args:
        retries = int(options.get("infra_retries", INFRA_RETRIES))
        if retries:
            args["retry_on_error"] = retries
            tuned.append(f"retry_on_error={retries}")
    return Execution(workers, executor, dict(options.get("ray") or {}), tuple(tuned)), args


def is_light(task: Any, inspect_args: Mapping[str, Any]) -> bool:
    """No sandbox (run option, task or sample) and no heavy resource the task declares."""
    if inspect_args.get("sandbox") or getattr(task, "sandbox", None) is not None:
        return False
    if (getattr(task, "metadata", None) or {}).get(HEAVY_METADATA):
        return False
    dataset = getattr(task, "dataset", None) or []
    try:
        first = dataset[0] if len(dataset) else None
    except (TypeError, IndexError):
        first = None
    return getattr(first, "sandbox", None) is None


def _light_workers(samples: int, *, explicit: bool) -> int:
    cores = os.cpu_count() or 1
    if not explicit and samples < AUTO_WORKERS_FROM:
        return 1
    return max(1, min(cores, samples // MIN_SAMPLES_PER_WORKER))


def _sample_count(task: Any, inspect_args: Mapping[str, Any]) -> int:
    try:
        size = len(task.dataset)
    except TypeError:
        return 0
    limit = inspect_args.get("limit")
    if isinstance(limit, int):
        size = min(size, limit)
    elif isinstance(limit, (list, tuple)) and len(limit) == 2:
        size = max(0, min(size, limit[1]) - limit[0])
    return size * int(inspect_args.get("epochs") or 1)
