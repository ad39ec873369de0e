"""Hook specifications: the points where `harness.hooks` plugins join a run.

A hook plugin is a module (or object) named by an entry point in the
`harness.hooks` group, with functions marked `@harness.hookimpl` whose names
are the hooks below. An implementation may take any subset of a hook's
arguments, by name, so hooks can gain arguments without breaking plugins.

A hook implementation that raises is reported by plugin name on stderr and in
the results record's `hook_errors`; the run and its results are kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("harness")
hookimpl = pluggy.HookimplMarker("harness")


@hookspec
def harness_run_start(run_id: str, config: dict[str, Any], log_dir: Path) -> None:
    """Called once before the first sample of a run starts.

    Args:
        run_id: The run's identifier, also in its results record.
        config: Every parameter of the run (task, model, options, plugin args).
        log_dir: Directory receiving the inspect log and `results.json`.
    """


@hookspec
def harness_sample_end(run_id: str, sample: Any) -> None:
    """Called when a sample has finished and been scored.

    Called from the event loop while other samples run: do little work here.

    Args:
        run_id: The run's identifier.
        sample: The finished `inspect_ai.log.EvalSample` (read-only).
    """


@hookspec
def harness_run_end(run_id: str, record: dict[str, Any], results_path: Path) -> None:
    """Called once after the results record is written.

    Args:
        run_id: The run's identifier.
        record: The results record (see `harness/schemas/results.schema.json`).
        results_path: Where `results.json` was written.
    """


@hookspec
def harness_write_results(record: dict[str, Any], out_dir: Path) -> list[Path] | Path | None:
    """Write the results record in another format (CSV, a database, a dashboard).

    Called after `results.json` is written, for every implementation.

    Args:
        record: The results record.
        out_dir: The run's log directory, where extra files belong.

    Returns:
        The path(s) written, which `harness eval` prints, or None.
    """
