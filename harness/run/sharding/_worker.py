"""One shard of a run, in whatever process runs it: a local worker process or a Ray task.

`run_shard(spec, emit)` takes the run's plan (forked workers inherit the task the parent built;
spawned workers and Ray tasks receive the plan pickled and build the task from it), runs
inspect's `eval` on the shard's range of samples into the shard's own log directory, and
reports through `emit` as it goes: `started` (a sample
started), `sample` (one finished, with the whole sample when the parent has hooks that want it)
and `done` (the log's location and status). Run as `python -m harness.run.sharding._worker`, it reads a
pickled `ShardSpec` from stdin and writes the events as JSON lines to the file descriptor the
spec names.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from inspect_ai.hooks import Hooks, SampleEnd, SampleStart, hooks

from harness.results._digest import digest
from harness.run._inspect_call import call_eval
from harness.run._logs import newest_log, read_log
from harness.run._names import RUN_ID_ENV, RUN_ID_METADATA, SHARD_METADATA
from harness.run._plan import RunPlan
from harness.run._resume import previous_task, retire_previous_log
from harness.run._session_order import session_users
from harness.run._sessions import scheduled
from harness.run.sharding._shards import Shard

Emit = Callable[[dict[str, Any]], None]
"""Sends one event to the process that merges the shards."""


@dataclass(frozen=True)
class ShardSpec:
    """Everything a worker needs to run one shard.

    Attributes:
        plan: The run's plan.
        shard: The samples and inspect arguments of this shard.
        run_id: The harness run id (log metadata, sandbox labels).
        log_dir: The shard's own log directory (a path or fsspec URL).
        forward_samples: Send each finished sample whole (the parent has `harness_sample_end` hooks).
        resume: Reuse the completed samples of the shard's earlier log in `log_dir`, if any.
        only_ids: Run just these samples (ids as inspect gives them), not the shard's range: a
            replacement for a worker that died.
        events_fd: File descriptor receiving the events as JSON lines (local worker processes).
    """

    plan: RunPlan
    shard: Shard
    run_id: str
    log_dir: str
    forward_samples: bool = False
    resume: bool = False
    only_ids: tuple[Any, ...] | None = None
    events_fd: int | None = None
    environment: dict[str, str] = field(default_factory=dict)


def run_shard(spec: ShardSpec, emit: Emit) -> dict[str, Any]:
    """Run one shard to its end (or to Ctrl-C) and return its `done` event.

    A shard interrupted by SIGINT (the parent forwarding Ctrl-C, or Ray cancelling the task)
    still returns: inspect has written its log with status `cancelled`.
    """
    os.environ.update(spec.environment)
    os.environ[RUN_ID_ENV] = spec.run_id  # sandbox providers label containers with it
    run = spec.plan
    task = run.task if spec.only_ids is None else _only(run.task, spec.only_ids)
    args = {**run.inspect_args, **spec.shard.inspect_args, "display": "none"}
    if spec.only_ids is not None:
        args.pop("limit", None)
    previous = _previous_attempt(spec.log_dir) if spec.resume else None
    logs: list[Any] = []
    with (
        _reporting(emit, spec.shard.index, spec.forward_samples),
        scheduled(task, args, run.user_memory, session_users(task.dataset, args.get("limit"))) as (task, args),
    ):
        try:
            logs = call_eval(
                task if previous is None else previous_task(previous, task),
                solver=run.solver,
                model=run.model,
                model_args=run.model_args,
                model_roles=run.model_roles,
                log_dir=spec.log_dir,
                metadata={RUN_ID_METADATA: spec.run_id, SHARD_METADATA: spec.shard.index},
                args=args,
            )
        except KeyboardInterrupt:
            pass
    location = logs[0].location if logs else newest_log(spec.log_dir)
    if previous is not None:  # resumed: the new log holds the earlier attempt's samples too
        retire_previous_log(previous.location, location)
    status = logs[0].status if logs else ("cancelled" if location else "error")
    done = {"event": "done", "shard": spec.shard.index, "log": location, "status": status}
    emit(done)
    return done


def _only(task: Any, ids: tuple[Any, ...]) -> Any:
    """The task with just the samples `ids`; id-less samples first get the id inspect would give them."""
    from inspect_ai import task_with

    dataset = task.dataset
    for position, sample in enumerate(dataset):
        if sample.id is None:
            sample.id = position + 1
    wanted = set(ids)
    return task_with(task, dataset=dataset.filter(lambda sample: sample.id in wanted))


def _previous_attempt(log_dir: str) -> Any:
    """This shard's earlier log (its completed samples are reused), or None when it wrote none."""
    location = newest_log(log_dir)
    if location is None:  # this shard had not written a log yet: run it whole
        return None
    return read_log(location, recover=True)


@dataclass
class _Reporting:
    emit: Emit
    shard: int
    forward_samples: bool


_active: _Reporting | None = None


@hooks(name="plugeval-shard", description="Reports a plugeval worker's progress to the process merging its shards.")
class _ShardReporter(Hooks):
    def enabled(self) -> bool:
        return _active is not None

    async def on_sample_start(self, data: SampleStart) -> None:
        if _active is not None:
            summary = data.summary
            _active.emit({"event": "started", "shard": _active.shard, "id": summary.id, "epoch": summary.epoch})

    async def on_sample_end(self, data: SampleEnd) -> None:
        if _active is not None:
            sample = data.sample
            event: dict[str, Any] = {
                "event": "sample",
                "shard": _active.shard,
                "id": sample.id,
                "epoch": sample.epoch,
                "digest": asdict(digest(sample)),  # the merge then need not read the sample back for the record
            }
            if _active.forward_samples:
                event["sample"] = data.sample.model_dump_json(exclude_none=True)
            _active.emit(event)


@contextmanager
def _reporting(emit: Emit, shard: int, forward_samples: bool) -> Iterator[None]:
    global _active
    _active = _Reporting(emit, shard, forward_samples)
    try:
        yield
    finally:
        _active = None


ORPHAN_STOP_SECONDS = 30
"""How long a worker whose parent died has to stop after its SIGINT before it ends itself."""


def _watch_parent(parent: int) -> None:
    """End this worker if it is still running `ORPHAN_STOP_SECONDS` after its parent died.

    The parent's death interrupts the worker (`_die_with_parent`), and inspect then cancels its
    samples and writes its log; but inspect's cancellation can wait forever when the interrupt
    lands while a log flush is being scheduled. The parent kills a worker that has not stopped in
    time; a worker whose parent died has nobody to do that, so this thread does.
    """
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        time.sleep(ORPHAN_STOP_SECONDS)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="plugeval-parent-watch", daemon=True).start()


def _die_with_parent(parent: int) -> None:
    """Stop (as on Ctrl-C) when the parent dies, so a killed `harness eval` leaves no worker running.

    Linux sends the parent-death signal (here SIGHUP) again each time the worker passes to another
    thread of the dying parent, and asyncio takes a second SIGINT as "stop now, write nothing": so
    the first SIGHUP becomes one SIGINT (inspect cancels its samples and writes its log) and later
    ones are ignored.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    def parent_died(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        signal.raise_signal(signal.SIGINT)

    signal.signal(signal.SIGHUP, parent_died)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGHUP)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        signal.raise_signal(signal.SIGHUP)


def serve(spec: ShardSpec) -> int:
    """Run a worker's shard, its events as JSON lines to `spec.events_fd`; return the worker's exit code."""
    # SIGINT is how the parent stops this worker (Ctrl-C forwarded, or the parent's death): a
    # worker started from a background job would inherit it ignored
    signal.signal(signal.SIGINT, signal.default_int_handler)  # asyncio then cancels inspect's run gracefully
    parent = os.getppid()
    _watch_parent(parent)
    _die_with_parent(parent)
    stream = os.fdopen(spec.events_fd, "w", buffering=1) if spec.events_fd is not None else sys.stdout
    parent_gone = False

    def emit(event: dict[str, Any]) -> None:
        nonlocal parent_gone
        if parent_gone:
            return
        try:
            stream.write(json.dumps(event) + "\n")
        except BrokenPipeError:  # the parent died: finish (inspect writes the log) with nobody to tell
            parent_gone = True

    try:
        done = run_shard(spec, emit)
    except KeyboardInterrupt:
        return 130
    except Exception as ex:  # the parent reports it; the traceback goes to the worker's stderr
        import traceback

        traceback.print_exc()
        emit({"event": "failed", "shard": spec.shard.index, "error": f"{type(ex).__name__}: {ex}"})
        return 1
    finally:
        try:
            stream.flush()
        except BrokenPipeError:
            pass
    return 130 if done["status"] == "cancelled" else 0


def main() -> int:
    """Worker process started with `python -m harness.run.sharding._worker`: a pickled `ShardSpec` on stdin."""
    import pickle

    return serve(pickle.loads(sys.stdin.buffer.read()))


if __name__ == "__main__":  # run the imported module, whose hook class inspect registered under its own name
    from harness.run.sharding._worker import main as worker_main

    sys.exit(worker_main())
