"""How much browser work one process runs at once: a rule computed at run time from cores and memory.

Two limits, both per process (each worker process of a sharded run has its own browser):

- `actions`: browser operations in flight (opening an episode, an action with the page load it
  causes, a snapshot, closing). The browser side is CPU-bound (a page load costs Chromium about
  0.06-0.1 CPU-seconds), so this follows the CPUs the process may use: `actions = cores`
  (at least 1). An operation's Playwright timeout starts only when it holds a slot, so a busy
  machine makes episodes slower, never failed.
- `episodes`: episodes open at once (each a browser context with its own renderer process, about
  100 MB with the site server). This follows the memory: half of what is available, 200 MiB per
  episode, between 2 and 64. Samples beyond it wait for a free episode before theirs starts.

A model-driven agent holds its episode while the model thinks, so it wants many open episodes
and few actions in flight; a scripted policy is all actions. Both limits together keep either
kind at the machine's pace. `DECEPTICON_ACTIONS` and `DECEPTICON_EPISODES` override the rule.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from harness import ConfigError

EPISODE_MIB = 200
"""Memory budgeted per open episode (browser context, renderer, site server)."""
MAX_EPISODES = 64


@dataclass(frozen=True)
class BrowserLimits:
    """Per-process concurrency of DECEPTICON's browser: actions in flight and episodes open."""

    actions: int
    episodes: int
    cores: int
    available_mib: int

    def describe(self) -> str:
        """One line: the limits and the machine figures they come from."""
        return (
            f"{self.actions} browser actions at once, {self.episodes} episodes open "
            f"({self.cores} cores, {self.available_mib} MiB available)"
        )


def usable_cores() -> int:
    """CPUs this process may run on: its affinity mask, capped by a cgroup CPU quota when one is set."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    try:
        quota, period = open("/sys/fs/cgroup/cpu.max", encoding="ascii").read().split()[:2]
        if quota != "max":
            cores = min(cores, max(1, int(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, cores)


def available_mib() -> int:
    """Memory available to new processes, in MiB."""
    import psutil

    return int(psutil.virtual_memory().available // (1024 * 1024))


def browser_limits(cores: int | None = None, memory_mib: int | None = None) -> BrowserLimits:
    """The rule (see the module docstring), for this machine unless `cores`/`memory_mib` are given."""
    cores = usable_cores() if cores is None else max(1, cores)
    memory = available_mib() if memory_mib is None else max(0, memory_mib)
    actions = _override("DECEPTICON_ACTIONS") or cores
    episodes = _override("DECEPTICON_EPISODES") or min(MAX_EPISODES, max(2, memory // 2 // EPISODE_MIB))
    return BrowserLimits(actions=actions, episodes=episodes, cores=cores, available_mib=memory)


def _override(name: str) -> int | None:
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{name}={text!r}: must be a whole number of at least 1 (or unset for the machine's rule)")
    return int(text)
