"""Forwards inspect-ai's per-sample events to the harness's pluggy hooks during a harness run."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from inspect_ai.hooks import Hooks, SampleEnd, hooks

from ._hooks import HookRunner

_active: tuple[str, HookRunner] | None = None


@hooks(name="plugeval", description="Calls harness_sample_end hooks of plugeval plugins.")
class _SampleForwarder(Hooks):
    def enabled(self) -> bool:
        return _active is not None

    async def on_sample_end(self, data: SampleEnd) -> None:
        if _active is not None:
            run_id, runner = _active
            runner.call("harness_sample_end", run_id=run_id, sample=data.sample)


@contextmanager
def forwarding(run_id: str, runner: HookRunner) -> Iterator[None]:
    """Forward sample events to `runner` while the block runs (only if a plugin implements the hook)."""
    global _active
    _active = (run_id, runner) if runner.manager.hook.harness_sample_end.get_hookimpls() else None
    try:
        yield
    finally:
        _active = None
