"""Local worker processes: each shard in its own `python -m harness.run._worker` process.

Workers start in their own sessions, so a Ctrl-C reaches the parent alone, which forwards it to
every worker (SIGINT: inspect cancels, tears its sandboxes down and writes a `cancelled` log),
waits for them, and kills (SIGKILL, the whole process group) any that has not stopped within
`STOP_SECONDS`. A worker asks the kernel for SIGINT when its parent dies, so killing `harness
eval` leaves no worker running either. Events come back as JSON lines on a pipe; a worker's
output goes to a file that is shown when the worker fails.
"""

from __future__ import annotations

import json
import os
import pickle
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import IO, Any

from harness.run._merge import ShardOutcome
from harness.run._worker import ShardSpec

STOP_SECONDS = 60.0
"""How long workers get to stop after Ctrl-C before they are killed."""


@dataclass
class _Worker:
    spec: ShardSpec
    process: subprocess.Popen[bytes]
    output: IO[bytes]
    done: dict[str, Any] | None = None
    failure: str | None = None


def run_local(
    specs: Sequence[ShardSpec], on_event: Callable[[dict[str, Any]], None]
) -> tuple[list[ShardOutcome], bool]:
    """Run every shard in its own process; return how each ended and whether Ctrl-C stopped the run."""
    events: queue.Queue[dict[str, Any] | None] = queue.Queue()
    workers = [_start(spec, events) for spec in specs]
    interrupted = False
    deadline: float | None = None
    open_streams = len(workers)
    try:
        while open_streams or any(w.process.poll() is None for w in workers):
            try:
                event = events.get(timeout=0.2)
            except queue.Empty:
                if deadline is not None and time.monotonic() > deadline:
                    _kill(workers)
                    deadline = None
                continue
            except KeyboardInterrupt:
                interrupted, deadline = True, _stop(workers)
                continue
            if event is None:
                open_streams -= 1
                continue
            _record(workers, event)
            try:
                on_event(event)
            except KeyboardInterrupt:
                interrupted, deadline = True, _stop(workers)
    except KeyboardInterrupt:  # a second Ctrl-C while stopping: kill now
        interrupted = True
        _kill(workers)
    for worker in workers:
        worker.process.wait()
    return [_outcome(w, interrupted) for w in workers], interrupted


def _start(spec: ShardSpec, events: queue.Queue[dict[str, Any] | None]) -> _Worker:
    read_end, write_end = os.pipe()
    output = tempfile.TemporaryFile(prefix="plugeval-worker-")
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.run._worker"],
        stdin=subprocess.PIPE,
        stdout=output,
        stderr=output,
        pass_fds=(write_end,),
        start_new_session=True,
    )
    os.close(write_end)
    assert process.stdin is not None
    process.stdin.write(pickle.dumps(replace(spec, events_fd=write_end)))
    process.stdin.close()
    threading.Thread(target=_read_events, args=(read_end, events), daemon=True).start()
    return _Worker(spec, process, output)


def _read_events(fd: int, events: queue.Queue[dict[str, Any] | None]) -> None:
    with os.fdopen(fd, "r", encoding="utf-8") as stream:
        for line in stream:
            try:
                events.put(json.loads(line))
            except ValueError:
                continue
    events.put(None)


def _record(workers: Sequence[_Worker], event: dict[str, Any]) -> None:
    worker = workers[_position(workers, event.get("shard"))]
    if event["event"] == "done":
        worker.done = event
    elif event["event"] == "failed":
        worker.failure = event["error"]


def _position(workers: Sequence[_Worker], shard: Any) -> int:
    for position, worker in enumerate(workers):
        if worker.spec.shard.index == shard:
            return position
    return 0


def _stop(workers: Sequence[_Worker]) -> float:
    """Forward Ctrl-C to every worker still running; return when to stop waiting for them."""
    print("harness: stopping the workers (Ctrl-C again to kill them)", file=sys.stderr, flush=True)
    for worker in workers:
        _signal(worker, signal.SIGINT)
    return time.monotonic() + STOP_SECONDS


def _kill(workers: Sequence[_Worker]) -> None:
    for worker in workers:
        _signal(worker, signal.SIGKILL)


def _signal(worker: _Worker, signum: int) -> None:
    if worker.process.poll() is None:
        try:
            os.killpg(worker.process.pid, signum)  # the worker and what it started (docker CLI, tools)
        except ProcessLookupError:
            pass


def _outcome(worker: _Worker, interrupted: bool) -> ShardOutcome:
    from harness.run._worker import _newest_log

    code = worker.process.returncode
    log = worker.done["log"] if worker.done else _newest_log(worker.spec.log_dir)
    if worker.done is not None or (interrupted and code in (0, 130, -signal.SIGINT)):
        return ShardOutcome(worker.spec.shard.index, log, cancelled=interrupted)
    cause = worker.failure or (f"killed by signal {-code}" if code < 0 else f"exit code {code}")
    problem = f"worker {worker.spec.shard.index} stopped early ({cause})"
    _show_output(worker, problem)
    return ShardOutcome(worker.spec.shard.index, log, problem=problem, cancelled=interrupted)


def _show_output(worker: _Worker, problem: str) -> None:
    worker.output.seek(0)
    tail = worker.output.read()[-3000:].decode(errors="replace").strip()
    print(f"harness: {problem}" + (f"; its last output:\n{tail}" if tail else ""), file=sys.stderr, flush=True)
