"""Ray: each shard runs as a Ray task, on a local Ray instance or a cluster (`executor=ray`).

`ray.address` names the cluster (`auto`, `HOST:PORT` of the head node, or `ray://HOST:PORT` for
Ray Client); without it a local Ray instance is started for the run and shut down after it.
Every task runs `run_shard`, writing its shard log under the run's `log_dir`, which must then be
a location every node reaches (a shared file system or an fsspec URL such as `s3://bucket/runs`).
Progress events come back through a Ray queue (an actor), in batches. Ctrl-C cancels the tasks
(Ray raises KeyboardInterrupt in each, so inspect writes a `cancelled` log), then force-cancels
any still running after `STOP_SECONDS`.
"""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from harness._errors import HarnessError
from harness.run._logs import newest_log
from harness.run.sharding._shard_log import ShardOutcome
from harness.run.sharding._worker import ShardSpec, run_shard

INSTALL_HINT = "pip install 'plugeval[ray]'"
CONNECT_SECONDS = 15.0
"""How long to try reaching a Ray cluster's address before giving up with an error."""
STOP_SECONDS = 60.0
BATCH_SECONDS = 0.5


class RayUnavailable(HarnessError):
    """`executor=ray` without Ray installed, or a Ray cluster that cannot be reached."""


def import_ray() -> Any:
    """The `ray` module, or an error naming the extra that installs it."""
    try:
        import ray
    except ImportError as ex:
        raise RayUnavailable(f"executor=ray needs Ray, which is not installed: {INSTALL_HINT}") from ex
    return ray


def preflight(options: Mapping[str, Any]) -> None:
    """Ray is installed and `ray.address` (if any) answers: checked before the run starts."""
    import_ray()
    address = options.get("address")
    if address and address not in ("auto", "local"):
        _reachable(str(address))


def run_ray(
    specs: Sequence[ShardSpec], on_event: Callable[[dict[str, Any]], None], options: Mapping[str, Any]
) -> tuple[list[ShardOutcome], bool]:
    """Run every shard as a Ray task; return how each ended and whether Ctrl-C stopped the run."""
    ray = import_ray()
    started_here = connect(ray, options)
    try:
        return _run(ray, specs, on_event)
    finally:
        if started_here:
            ray.shutdown()


def connect(ray: Any, options: Mapping[str, Any]) -> bool:
    """Connect to the cluster `options["address"]` names, or start a local instance; True if started here.

    Raises:
        RayUnavailable: The address does not answer within `CONNECT_SECONDS`, or Ray refuses it.
    """
    address = options.get("address")
    if ray.is_initialized():
        return False
    init_args: dict[str, Any] = {"ignore_reinit_error": True, "log_to_driver": False}
    if options.get("runtime_env"):
        init_args["runtime_env"] = dict(options["runtime_env"])
    if address and address not in ("auto", "local"):
        _reachable(str(address))
    try:
        if address:
            ray.init(address=address, **init_args)
        else:
            ray.init(include_dashboard=False, num_cpus=options.get("num_cpus"), **init_args)
    except (ConnectionError, RuntimeError, ValueError) as ex:
        where = f"at {address}" if address else "locally"
        raise RayUnavailable(f"cannot start or reach Ray {where}: {ex}; check ray.address=...") from ex
    return not address or address == "local"


def _reachable(address: str) -> None:
    target = address.removeprefix("ray://")
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        raise RayUnavailable(f"ray.address must be HOST:PORT, ray://HOST:PORT or auto, got '{address}'")
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_SECONDS).close()
    except OSError as ex:
        raise RayUnavailable(
            f"cannot reach the Ray cluster at {address} within {CONNECT_SECONDS:.0f} s ({ex.strerror or ex}); "
            "check ray.address=HOST:PORT (`ray status` on the head node shows it)"
        ) from ex


def _run(
    ray: Any, specs: Sequence[ShardSpec], on_event: Callable[[dict[str, Any]], None]
) -> tuple[list[ShardOutcome], bool]:
    from ray.util.queue import Queue

    events = Queue()
    task = ray.remote(num_cpus=1, max_retries=0)(_shard_task)
    pending = {task.remote(spec, events): spec for spec in specs}
    outcomes: dict[int, ShardOutcome] = {}
    interrupted = False
    deadline: float | None = None
    while pending:
        try:
            ready, _ = ray.wait(list(pending), num_returns=1, timeout=0.2)
            _drain(events, on_event)
            for ref in ready:
                spec = pending.pop(ref)
                outcomes[spec.shard.index] = _outcome(ray, ref, spec, interrupted)
            if deadline is not None and time.monotonic() > deadline:
                for ref in pending:
                    ray.cancel(ref, force=True)
                deadline = None
        except KeyboardInterrupt:
            if interrupted:  # a second Ctrl-C: stop now
                for ref in pending:
                    ray.cancel(ref, force=True)
                continue
            interrupted = True
            print("harness: cancelling the Ray tasks (Ctrl-C again to force)", file=sys.stderr, flush=True)
            for ref in pending:
                ray.cancel(ref)
            deadline = time.monotonic() + STOP_SECONDS
    _drain(events, on_event)
    return [outcomes[spec.shard.index] for spec in specs], interrupted


def _shard_task(spec: ShardSpec, events: Any) -> dict[str, Any]:
    """The Ray task: run the shard, sending events in batches."""
    batch: list[dict[str, Any]] = []
    last = time.monotonic()

    def emit(event: dict[str, Any]) -> None:
        nonlocal last
        batch.append(event)
        if event["event"] == "done" or time.monotonic() - last >= BATCH_SECONDS:
            events.put_nowait_batch(list(batch))
            batch.clear()
            last = time.monotonic()

    return run_shard(spec, emit)


def _drain(events: Any, on_event: Callable[[dict[str, Any]], None]) -> None:
    while True:
        size = events.qsize()
        if not size:
            return
        for event in events.get_nowait_batch(size):
            on_event(event)


def _outcome(ray: Any, ref: Any, spec: ShardSpec, interrupted: bool) -> ShardOutcome:
    try:
        done = ray.get(ref)
    except Exception as ex:  # the task failed, its worker died, or it was cancelled
        log = newest_log(spec.log_dir)
        if interrupted and type(ex).__name__ in ("TaskCancelledError", "RayTaskError(KeyboardInterrupt)"):
            return ShardOutcome(spec.shard.index, log, cancelled=True)
        cause = str(ex).strip().splitlines()[0] if str(ex).strip() else type(ex).__name__
        problem = f"Ray task of shard {spec.shard.index} stopped early ({type(ex).__name__}: {cause})"
        print(f"harness: {problem}", file=sys.stderr, flush=True)
        return ShardOutcome(spec.shard.index, log, problem=problem, cancelled=interrupted)
    return ShardOutcome(spec.shard.index, done["log"], cancelled=done["status"] == "cancelled" or interrupted)
