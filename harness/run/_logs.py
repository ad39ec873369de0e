"""Finding the inspect logs a run left in a directory, with inspect's own log listing.

Every place that needs "the log this run wrote" (a cancelled run, a worker's shard, a run to
resume, the runs of an eval set) asks here; the listing is inspect's `list_eval_logs` and the
headers are read with `read_eval_log(header_only=True)`, so any location inspect can write to
(a local directory or an fsspec URL) works the same.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

Key = TypeVar("Key", bound=Hashable)


def newest_log(log_dir: str) -> str | None:
    """The location of the newest inspect log directly in `log_dir`, or None when there is none."""
    found = _listing(log_dir)
    if not found:
        return None
    return _location(max(found, key=lambda info: info.mtime or 0).name)


def newest_logs(log_dir: str, key: Callable[[Any], Key], wanted: set[Key]) -> dict[Key, str]:
    """The newest log of each wanted key (e.g. `(task, model)`) directly in `log_dir`.

    Args:
        log_dir: The directory (or URL) to list.
        key: The key of a log, from its header.
        wanted: The keys asked for; logs of other keys are passed over.

    A log whose header cannot be read (being written, or broken) is passed over.
    """
    from inspect_ai.log import read_eval_log

    newest: dict[Key, tuple[float, str]] = {}
    for info in _listing(log_dir):
        location = _location(info.name)
        try:
            header = read_eval_log(location, header_only=True)
        except Exception:  # a log being written or broken: whoever wrote it reports that
            continue
        found = key(header)
        if found in wanted and (found not in newest or (info.mtime or 0) > newest[found][0]):
            newest[found] = (info.mtime or 0, location)
    return {found: location for found, (_, location) in newest.items()}


def read_log(location: str, *, recover: bool = False) -> Any:
    """A whole log; with `recover`, one whose writer died mid-write is rebuilt from what it flushed."""
    from inspect_ai.log import read_eval_log, recover_eval_log

    log = read_eval_log(location)
    if recover and log.status == "started":
        try:
            log = recover_eval_log(location, cleanup=False)
        except Exception:  # no recovery data: what was flushed is what there is
            pass
    return log


def _listing(log_dir: str) -> list[Any]:
    from inspect_ai.log import list_eval_logs

    try:
        return list(list_eval_logs(log_dir, recursive=False))
    except (FileNotFoundError, NotADirectoryError):
        return []


def _location(name: str) -> str:
    return name.removeprefix("file://")


def log_samples(location: str, exclude_fields: set[str] | None = None) -> Iterator[Any]:
    """Every sample a log holds, one at a time, as its sample summaries list them.

    inspect's `read_eval_log_samples` walks the header's `dataset.sample_ids`, which for a task fed
    by a `SampleSource` (session tasks) names only the seed; the summaries name every sample logged.
    """
    from inspect_ai.log import read_eval_log_sample, read_eval_log_sample_summaries

    for summary in read_eval_log_sample_summaries(location):
        yield read_eval_log_sample(location, summary.id, summary.epoch, exclude_fields=exclude_fields)
