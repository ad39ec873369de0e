"""A warm pool of started containers per image and config, reused only when provably clean."""

from __future__ import annotations

import atexit
import threading
from functools import partial
from concurrent.futures import Future, ThreadPoolExecutor
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.sandbox._config import DockerSandboxConfig
from harness.sandbox._container import Started, remove_container, start_container
from harness.sandbox._counters import counters_hidden, reset_pid_counter
from harness.sandbox._disk import LayerMeter, LoopMeter
from harness.sandbox._engine import SandboxError, docker_client
from harness.sandbox._exec import TIMEOUT_BINARY, run_exec
from harness.sandbox._network import acquire_run_network, release_run_network
from harness.sandbox._owner import current_run_id, owner_tag, process_start
from harness.sandbox._state import Fingerprint, StateProbe
from harness.sandbox._watchdog import Meter, watchdog

__all__ = ["ContainerPool", "Lease", "close_pools", "current_run_id", "owner_tag", "pool_for"]


@dataclass
class Lease:
    """A container handed to one sample, with what the pool learnt about its image."""

    container_id: str
    user: str | None
    workdir: str
    timeout_in_container: bool
    dirty: bool = False
    """Set when something may have escaped the reset check (e.g. a command that overran its deadline)."""
    failure: str | None = None
    """Why the container was taken away mid-sample (the disk limit); every later call raises it."""
    after_call: Callable[[], object] | None = None
    """Run after each sandbox call (the disk check of a `loop` container)."""


@dataclass
class _Warm:
    container_id: str
    probe: StateProbe | None
    """None when the host cannot see the container's state: then it is never reused."""
    baseline: Fingerprint | None
    meter: Meter | None
    """Measures the sample's disk use for the watchdog (None: no watchdog needed)."""
    mechanism: str = "none"
    init_pid: int = 0
    """The container's init on the host (0: unknown, then it is never reused)."""


@dataclass
class _ImageFacts:
    user: str | None
    timeout_in_container: bool


@dataclass
class ContainerPool:
    """Containers of one image+config: `acquire` hands one out, `release` resets or discards it.

    A released container goes back to the pool only if its state fingerprint (`_state`: writable
    layer, processes, /dev with /dev/shm and /dev/mqueue, SysV IPC, docker's /etc files) is exactly
    what it was when it started, its cgroup counters are hidden from it and its pid counter could be
    set back (`_counters`); otherwise it is removed and a fresh one started in the background, so no
    state passes from one sample to the next. Warm containers count against the run's limit on
    live containers (`max_sandboxes` × environments per sample, and `max_containers`).
    """

    image: str
    config: DockerSandboxConfig
    run_id: str = field(default_factory=current_run_id)

    def __post_init__(self) -> None:
        self._idle: list[_Warm] = []
        self._live: set[str] = set()
        self._baselines: dict[str, _Warm] = {}
        self._lock = threading.Lock()
        self._facts: _ImageFacts | None = None
        self._facts_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.config.max_containers) if self.config.max_containers else None
        self._slot_order = threading.Lock()
        self._workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="plugeval-pool")
        self._pending: list[Future] = []
        self._closed = False
        self._network: str | None = None
        self._network_lock = threading.Lock()
        self._leased = 0
        self._starting = 0
        """Containers a sample is starting itself (not yet in `_live`)."""
        self._sandbox_limit: int | None = None
        self.reused = 0
        self.discarded = 0

    # -- public ---------------------------------------------------------------------------------

    def warm(self) -> None:
        """Start `pool_size` containers in the background."""
        self._refill_later()

    def limit_samples(self, max_sandboxes: int | None) -> None:
        """The run's `max_sandboxes` (samples with sandboxes at once): it bounds the live containers, warm ones too."""
        with self._lock:
            self._sandbox_limit = max_sandboxes

    @property
    def capacity(self) -> int | None:
        """At most this many containers alive at once (warm, leased, starting or being removed); None: no bound."""
        bounds = [self.config.max_containers]
        if self._sandbox_limit is not None:
            bounds.append(self._sandbox_limit * len(self.config.environments))
        known = [b for b in bounds if b is not None]
        return min(known) if known else None

    def acquire(self) -> Lease:
        """A clean, started container for one sample (blocks while `max_containers` are out)."""
        return self.acquire_many(1)[0]

    def acquire_many(self, count: int) -> list[Lease]:
        """`count` containers for one sample, their `max_containers` slots taken all at once.

        Taking the slots together keeps two samples that each need several containers from
        holding one each and waiting for each other forever.
        """
        if self._slots is not None:
            if count > (self.config.max_containers or count):
                raise SandboxError(
                    f"a sample needs {count} containers but max_containers is {self.config.max_containers}; raise it"
                )
            with self._slot_order:
                for _ in range(count):
                    self._slots.acquire()
        leases: list[Lease] = []
        try:
            for _ in range(count):
                leases.append(self._lease_one())
        except BaseException:
            for lease in leases:
                lease.dirty = True
                self.release(lease)
            if self._slots is not None:
                for _ in range(count - len(leases)):
                    self._slots.release()
            raise
        return leases

    def _lease_one(self) -> Lease:
        try:
            with self._lock:
                self._leased += 1
            warm = self._take_idle()
            if warm is None:
                warm = self._start_for_sample()
            facts = self._image_facts(warm.container_id)
            lease = Lease(warm.container_id, facts.user, self.config.workdir, facts.timeout_in_container)
            if warm.meter is not None and self.config.disk_bytes is not None:
                watchdog.watch(warm.meter, self.config.disk_bytes, lambda used: self._disk_exceeded(lease, warm, used))
                if warm.meter.cheap:
                    lease.after_call = partial(watchdog.check_now, warm.container_id)
            return lease
        except BaseException:
            with self._lock:
                self._leased -= 1
            raise

    def _start_for_sample(self) -> _Warm:
        with self._lock:
            self._starting += 1
        try:
            return self._start()
        finally:
            with self._lock:
                self._starting -= 1

    def _take_idle(self) -> _Warm | None:
        """A warm container; when none is idle and the capacity is taken, wait for one being started."""
        while True:
            with self._lock:
                if self._idle:
                    return self._idle.pop()
                self._pending = [f for f in self._pending if not f.done()]
                capacity, pending = self.capacity, list(self._pending)
                if capacity is None or not pending or len(self._live) + len(pending) + self._starting < capacity:
                    return None
            pending[0].exception()  # wait for it (its own failure is the refill's concern)

    def release(self, lease: Lease) -> None:
        """Return the container: back to the pool when clean, else remove it."""
        watchdog.unwatch(lease.container_id)
        try:
            warm = None if lease.dirty or self._closed else self._clean_warm(lease.container_id)
            with self._lock:
                self._leased -= 1
                if warm is not None:
                    self._idle.append(warm)
                    self.reused += 1
                    return
            self.discarded += 1
            self._refill_later()
            try:  # removal takes ~0.1 s: do it off the sample's path (close() still waits for it)
                self._workers.submit(self._remove, lease.container_id)
            except RuntimeError:  # pool closing
                self._remove(lease.container_id)
        finally:
            if self._slots is not None:
                self._slots.release()

    def close(self) -> None:
        """Remove every container this pool started."""
        self._closed = True
        for future in list(self._pending):
            future.cancel()
        self._workers.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            ids = list(self._live)
            self._idle.clear()
        for container_id in ids:
            self._remove(container_id)
        with self._network_lock:
            if self._network is not None:
                self._network = None
                release_run_network()

    @property
    def live_containers(self) -> list[str]:
        with self._lock:
            return sorted(self._live)

    # -- internals ------------------------------------------------------------------------------

    def _refill_later(self) -> None:
        if self._closed:
            return
        with self._lock:
            self._pending = [f for f in self._pending if not f.done()]
            # containers out with samples count: a clean one comes back, a used one triggers a refill then
            wanted = self.config.pool_size - len(self._idle) - len(self._pending) - self._leased
            capacity = self.capacity
            if capacity is not None:  # warm containers count against the live limit
                wanted = min(wanted, capacity - len(self._live) - len(self._pending) - self._starting)
            for _ in range(max(wanted, 0)):
                try:
                    self._pending.append(self._workers.submit(self._start_idle))
                except RuntimeError:  # executor shut down by close()
                    break

    def _start_idle(self) -> None:
        warm = self._start()
        with self._lock:
            if self._closed:
                stale = True
            else:
                stale = False
                self._idle.append(warm)
        if stale:
            self._remove(warm.container_id)

    def _start(self) -> _Warm:
        started = start_container(self.image, self.config, self.run_id, self._network_name())
        with self._lock:
            self._live.add(started.container_id)
        try:
            self._prepare_workdir(started.container_id)
            warm = self._baseline(started)
            with self._lock:
                self._baselines[started.container_id] = warm
            return warm
        except BaseException:
            self._remove(started.container_id)
            raise

    def _prepare_workdir(self, container_id: str) -> None:
        owner = self._image_facts(container_id).user or "root"
        script = 'mkdir -p "$1" && chown "$2" "$1"'
        prepared = run_exec(
            docker_client().api, container_id, ["/bin/sh", "-c", script, "sh", self.config.workdir, owner], user="root"
        )
        if prepared.returncode != 0:
            raise SandboxError(
                f"could not create the sandbox workdir {self.config.workdir} in {self.image}: "
                f"{prepared.stderr.decode(errors='replace').strip()}"
            )

    def _baseline(self, started: Started) -> _Warm:
        """What a clean container looks like: its fingerprint, with the pid counter set; and its disk meter."""
        api = docker_client().api
        container_id = started.container_id
        init_pid = int((api.inspect_container(container_id).get("State") or {}).get("Pid") or 0)
        probe = StateProbe.for_container(api, container_id)
        if probe is not None and not (counters_hidden(init_pid) and reset_pid_counter(init_pid)):
            probe = None  # counters a sample could read cannot be reset: never reused
        meter: Meter | None = None
        if started.disk is not None:
            meter = LoopMeter(started.disk)
        elif started.mechanism == "watchdog":
            meter = LayerMeter(container_id, probe.upper_dir if probe else _upper_dir(api, container_id))
        baseline = probe.fingerprint() if probe else None
        return _Warm(container_id, probe, baseline, meter, started.mechanism, init_pid)

    def _network_name(self) -> str | None:
        if not self.config.network:
            return None
        with self._network_lock:
            if self._network is None:
                self._network = acquire_run_network(self.run_id, owner_tag(), process_start())
            return self._network

    def _disk_exceeded(self, lease: Lease, warm: _Warm, used: int) -> None:
        """The watchdog's verdict: stop the container now, free its space, and fail the sample's calls."""
        import docker.errors

        lease.dirty = True
        lease.failure = self._disk_message(warm, used)
        try:
            docker_client().api.kill(lease.container_id, signal="SIGKILL")
            if warm.meter is not None:
                used = max(used, warm.meter.added())
        except (docker.errors.APIError, OSError):
            pass
        lease.failure = self._disk_message(warm, used)
        self._remove(lease.container_id)

    def _disk_message(self, warm: _Warm, used: int) -> str:
        how = "its own file system of that size is full" if warm.mechanism == "loop" else "the disk watchdog"
        return (
            f"sandbox disk limit of {self.config.disk} exceeded: the sample's files reached {used / 1024**2:.1f} MiB "
            f"({how}; mechanism {warm.mechanism}), so its container was stopped and removed"
        )

    def _image_facts(self, container_id: str) -> _ImageFacts:
        with self._facts_lock:
            if self._facts is None:
                self._facts = self._probe(container_id)
            return self._facts

    def _probe(self, container_id: str) -> _ImageFacts:
        api = docker_client().api
        user = self.config.user
        if user == "auto":
            has_agent = run_exec(api, container_id, ["/bin/sh", "-c", "id -u agent"], user="root")
            user = "agent" if has_agent.returncode == 0 else None
        has_timeout = run_exec(api, container_id, ["/bin/sh", "-c", f"test -x {TIMEOUT_BINARY}"], user="root")
        return _ImageFacts(user=user, timeout_in_container=has_timeout.returncode == 0)

    def _clean_warm(self, container_id: str) -> _Warm | None:
        try:
            with self._lock:
                known = self._baselines.get(container_id)
            if known is None or known.probe is None or known.probe.fingerprint() != known.baseline:
                return None
            # the fingerprint holds; the counters must be set back too (a failure: not reused)
            if not (counters_hidden(known.init_pid) and reset_pid_counter(known.init_pid)):
                return None
            return known
        except Exception:
            return None

    def _remove(self, container_id: str) -> None:
        if not remove_container(container_id):
            return  # left for `harness sandbox cleanup`; it carries the run label
        with self._lock:
            self._live.discard(container_id)
            self._baselines.pop(container_id, None)
        self._refill_later()  # capacity freed: a bounded pool may start a warm one now


def _upper_dir(api, container_id: str):
    from pathlib import Path

    upper = (api.inspect_container(container_id).get("GraphDriver") or {}).get("Data", {}).get("UpperDir")
    return Path(upper) if upper and Path(upper).is_dir() else None


_pools: dict[tuple[str, str], ContainerPool] = {}
_pools_lock = threading.Lock()


def pool_for(image: str, config: DockerSandboxConfig, max_sandboxes: int | None = None) -> ContainerPool:
    """The process's pool for `image` and `config`, created (and warmed) on first use.

    `max_sandboxes` is the run's limit on samples with sandboxes at once; warm containers count against it.
    """
    key = (image, config.key())
    with _pools_lock:
        pool = _pools.get(key)
        created = pool is None
        if pool is None:
            pool = _pools[key] = ContainerPool(image, config)
    if max_sandboxes is not None:
        pool.limit_samples(max_sandboxes)
    if created:
        pool.warm()
    return pool


def close_pools(image: str | None = None, config: DockerSandboxConfig | None = None) -> None:
    """Close the pools for `image`+`config`, or all of them."""
    with _pools_lock:
        keys = [k for k in _pools if image is None or k == (image, config.key() if config else k[1])]
        pools = [_pools.pop(k) for k in keys]
    for pool in pools:
        pool.close()


atexit.register(close_pools)
