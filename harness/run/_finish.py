"""The end of every run: its results record written, the end hooks called, the outcome returned."""

from __future__ import annotations

import contextlib
import errno
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness._errors import HarnessError, storage_error
from harness.results._record_file import write_record
from harness.run._hooks import HookRelay


@dataclass(frozen=True)
class RunOutcome:
    """What a finished run produced.

    Attributes:
        record: The results record.
        results_path: Where `results.json` was written.
        extra_paths: Files written by `harness_write_results` hooks.
    """

    record: dict[str, Any]
    results_path: Path
    extra_paths: list[Path]


def finish(record: dict[str, Any], out_dir: Path, hooks: HookRelay) -> RunOutcome:
    """Write `record` to `out_dir/results.json` and call the end-of-run hooks.

    A hook that fails is named in the record's `hook_errors` (the record is written again).
    """
    results_path = write_record(record, out_dir)
    hooks.call("harness_run_end", run_id=record["run_id"], record=record, results_path=results_path)
    written = hooks.call("harness_write_results", record=record, out_dir=out_dir)  # a path or a list of paths each
    extra = [Path(p) for paths in written for p in (paths if isinstance(paths, (list, tuple)) else [paths])]
    if len(hooks.errors) > len(record["hook_errors"]):  # rewrite so the record names every failed hook
        record["hook_errors"] = [e.to_dict() for e in hooks.errors]
        results_path = write_record(record, out_dir)
    return RunOutcome(record, results_path, extra)


def writable_log_dir(directory: Path) -> None:
    """Create a run's log directory now, so an unwritable one is named before anything runs.

    Raises:
        StorageError: The disk is full.
        HarnessError: The directory cannot be created or written (names the fix).
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / ".harness-write-check"
        probe.write_bytes(b"x" * 4096)  # a full disk refuses data, not empty files
        probe.unlink()
    except OSError as ex:
        with contextlib.suppress(OSError):  # e.g. log_dir is a file: there is no probe to remove
            (directory / ".harness-write-check").unlink(missing_ok=True)
        if ex.errno in (errno.ENOSPC, errno.EDQUOT):
            raise storage_error(directory, ex) from ex
        raise HarnessError(
            f"cannot write the run's logs to {directory}: {ex.strerror or ex}; "
            "choose another log_dir=DIR or make it writable"
        ) from ex
