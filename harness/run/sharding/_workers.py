"""Local worker processes: each shard in its own process.

A worker is forked from `harness eval` once it has imported inspect, the plugins and the task
(about 1.4 s less per worker than starting a fresh interpreter), and shows as `plugeval-worker`
in `ps`. When the parent runs threads (forking would copy locks they hold) or
`HARNESS_WORKER_START=spawn` is set, a worker is a fresh `python -m harness.run.sharding._worker`
process instead (it receives the plan pickled and builds the task from it). A forked worker
forgets the parent's pending finalizers (its temporary directories are the parent's, not its
own) and runs the exit handlers of the modules it uses (sandbox pools, containers, browsers) as
any exiting interpreter does.

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
from typing import IO, Any, NoReturn, Protocol

from harness.run._inspect_call import import_eval_runtime
from harness.run._logs import newest_log
from harness.run.sharding._shard_log import ShardOutcome
from harness.run.sharding._worker import ShardSpec, serve

STOP_SECONDS = 60.0
"""How long workers get to stop after Ctrl-C before they are killed."""


class _Process(Protocol):
    """What the loop needs of a worker process (`subprocess.Popen` has it; so has `_Forked`)."""

    pid: int
    returncode: int | None

    def poll(self) -> int | None: ...

    def wait(self) -> int: ...


@dataclass
class _Worker:
    spec: ShardSpec
    process: _Process
    output: IO[bytes]
    done: dict[str, Any] | None = None
    failure: str | None = None


def run_local(
    specs: Sequence[ShardSpec], on_event: Callable[[dict[str, Any]], None]
) -> tuple[list[ShardOutcome], bool]:
    """Run every shard in its own process; return how each ended and whether Ctrl-C stopped the run."""
    events: queue.Queue[dict[str, Any] | None] = queue.Queue()
    fork = os.environ.get("HARNESS_WORKER_START", "fork") != "spawn" and threading.active_count() == 1
    if fork:
        import_eval_runtime()  # once here rather than in every worker
    started: list[tuple[_Worker, int]] = []
    for spec in specs:  # a forked worker must not hold its siblings' read ends: theirs would never see EOF
        started.append(_fork(spec, [fd for _, fd in started]) if fork else _spawn(spec))
    for _, read_end in started:  # after every fork: a thread at fork time would leave its locks held in the child
        threading.Thread(target=_read_events, args=(read_end, events), daemon=True).start()
    workers = [worker for worker, _ in started]
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


def _spawn(spec: ShardSpec) -> tuple[_Worker, int]:
    """A worker in a fresh interpreter; returns it with the read end of its events pipe."""
    read_end, write_end = os.pipe()
    output = tempfile.TemporaryFile(prefix="plugeval-worker-")
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.run.sharding._worker"],
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
    return _Worker(spec, process, output), read_end


class _Forked:
    """A forked worker, with the part of `subprocess.Popen`'s interface the loop uses."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode


def _fork(spec: ShardSpec, siblings: Sequence[int]) -> tuple[_Worker, int]:
    """A worker forked from this process; returns it with the read end of its events pipe.

    `siblings` are the read ends of the workers forked before it, which it closes: a worker
    whose parent died would otherwise block writing to a pipe that a sibling holds open.
    """
    read_end, write_end = os.pipe()
    output = tempfile.TemporaryFile(prefix="plugeval-worker-")
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the worker: never returns into the parent's code
        for fd in (read_end, *siblings):
            os.close(fd)
        _forked_worker(replace(spec, events_fd=write_end), output)
    os.close(write_end)
    return _Worker(spec, _Forked(pid), output), read_end


def _forked_worker(spec: ShardSpec, output: IO[bytes]) -> NoReturn:
    import atexit
    import weakref

    code = 1
    try:
        # pending finalizers are the parent's (its temporary directories): only the parent runs them
        for finalizer in list(weakref.finalize._registry):  # type: ignore[attr-defined]
            finalizer.detach()
        os.setsid()
        _name_process(b"plugeval-worker")
        stdin = os.open(os.devnull, os.O_RDONLY)
        os.dup2(stdin, 0)
        os.dup2(output.fileno(), 1)
        os.dup2(output.fileno(), 2)
        code = serve(spec)
    except BaseException:  # noqa: BLE001 - whatever happens, the worker must end here
        import traceback

        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()  # the exit handlers a normal interpreter exit runs (pools, containers)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)


def _name_process(name: bytes) -> None:
    """Set the name `ps` and /proc/PID/comm show (Linux; at most 15 bytes)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(15, ctypes.c_char_p(name[:15]), 0, 0, 0)  # PR_SET_NAME
    except (OSError, AttributeError):
        pass


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
    code = worker.process.wait()  # already ended
    log = worker.done["log"] if worker.done else newest_log(worker.spec.log_dir)
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
