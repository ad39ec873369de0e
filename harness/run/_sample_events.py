"""Forwards inspect-ai's per-sample events to the harness's pluggy hooks during a harness run.

The same hook digests each sample for the results record as it ends (when asked), so a finished
run's record is built without reading its log back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from inspect_ai.hooks import Hooks, SampleEnd, TaskStart, hooks

from harness.results._digest import digest
from harness.run._hooks import HookRelay

RunIdFor = Callable[[str, str], str]
"""(task name, model) → the harness run id of that run."""


@dataclass
class _Forwarding:
    relay: HookRelay
    run_for: RunIdFor
    forward: bool
    digests: list[Any] | None = None
    by_eval: dict[str, str] = field(default_factory=dict)


_active: _Forwarding | None = None


@hooks(name="plugeval", description="Calls harness_sample_end hooks of plugeval plugins.")
class _SampleForwarder(Hooks):
    def enabled(self) -> bool:
        return _active is not None

    async def on_task_start(self, data: TaskStart) -> None:
        if _active is not None:
            _active.by_eval[data.eval_id] = _active.run_for(data.spec.task, data.spec.model)

    async def on_sample_end(self, data: SampleEnd) -> None:
        if _active is None:
            return
        if _active.digests is not None:
            _active.digests.append(digest(data.sample))
        if _active.forward:
            run_id = _active.by_eval.get(data.eval_id) or data.eval_id[:12]
            _active.relay.call("harness_sample_end", run_id=run_id, sample=data.sample)


@contextmanager
def forwarding(relay: HookRelay, run_for: RunIdFor, digests: list[Any] | None = None) -> Iterator[None]:
    """Forward sample events to `relay` while the block runs (only if a plugin implements the hook).

    Args:
        digests: When given, each finished sample's `SampleDigest` is appended to it.
    """
    global _active
    forward = relay.has_implementations("harness_sample_end")
    _active = _Forwarding(relay, run_for, forward, digests) if forward or digests is not None else None
    try:
        yield
    finally:
        _active = None
