"""What a results record needs from each sample, read one sample at a time.

A record needs per-sample scores (for intervals), errors and retries (for counts), and the
simulated-user conversation (for the simulation summary); never transcripts. Samples are
streamed from the log and reduced to a `SampleDigest` each, so building a record takes memory
for one sample plus the digests, however long the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.results._causes import error_cause


@dataclass(frozen=True)
class SampleDigest:
    """One sample (one epoch) of a run, reduced to what the record reads.

    Attributes:
        id: Sample id.
        epoch: Epoch number.
        values: Each score's value by scorer name (a dict-valued score keeps its dict).
        error: The sample ended in an error.
        sample_retries: Times the sample was retried after an error (`retry_on_error`).
        model_retries: Failed model calls within the sample (each logged as a model event with an error,
            then retried, unless it ended the sample), plus retries a provider reports on an event.
        conversation: The simulated-user record in the sample store, or None.
        has_simulator: The sample was given a simulated user (a simulator context).
        error_type: The class name of the error's real cause (retry and group wrappers unwrapped).
        cause: The error's real cause, `Type: message`.
        infra_error: The error is a fault of the infrastructure (`harness.InfraError`), not the agent's.
        flaky: Tests that failed, then passed when re-run (the `flaky` list of a score's metadata).
    """

    id: Any
    epoch: int
    values: dict[str, Any] = field(default_factory=dict)
    error: bool = False
    sample_retries: int = 0
    model_retries: int = 0
    conversation: dict[str, Any] | None = None
    has_simulator: bool = False
    error_type: str | None = None
    cause: str | None = None
    infra_error: bool = False
    flaky: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "flaky", tuple(self.flaky))  # a list after a trip through JSON

    @property
    def completed(self) -> bool:
        return not self.error and bool(self.values)


def digest(sample: Any) -> SampleDigest:
    """Reduce an `EvalSample` (or anything with its fields) to a `SampleDigest`."""
    from harness.simulation._record import STORE_KEY
    from harness.simulation._session import CONTEXT_KEY

    store = getattr(sample, "store", None) or {}
    events = getattr(sample, "events", None) or []
    cause = error_cause(sample.error) if sample.error is not None else None
    return SampleDigest(
        id=sample.id,
        epoch=getattr(sample, "epoch", 1) or 1,
        values={name: score.value for name, score in (sample.scores or {}).items()},
        error=sample.error is not None,
        sample_retries=len(getattr(sample, "error_retries", None) or []),
        model_retries=sum(_failed_calls(e) for e in events if getattr(e, "event", None) == "model"),
        conversation=store.get(STORE_KEY),
        has_simulator=STORE_KEY in store or CONTEXT_KEY in store,
        error_type=cause.type or None if cause else None,
        cause=cause.text if cause else None,
        infra_error=bool(cause and cause.infra),
        flaky=_flaky_tests(sample.scores or {}),
    )


def _flaky_tests(scores: dict[str, Any]) -> tuple[str, ...]:
    """Tests any score's metadata lists as `flaky` (failed, then passed on re-run), each once, in order."""
    found: dict[str, None] = {}
    for score in scores.values():
        listed = (getattr(score, "metadata", None) or {}).get("flaky")
        if isinstance(listed, (list, tuple)):
            found.update((str(test), None) for test in listed)
    return tuple(found)


def _failed_calls(event: Any) -> int:
    return int(getattr(event, "retries", 0) or 0) + (getattr(event, "error", None) is not None)


def digests_from_log(location: str) -> Iterator[SampleDigest]:
    """Stream a log's samples as digests (one sample in memory at a time).

    The samples are those the log's sample summaries list: inspect's `read_eval_log_samples` walks
    the header's sample ids, which for a task fed by a `SampleSource` (session tasks) name only the
    samples it started with.
    """
    from inspect_ai.log import read_eval_log_sample, read_eval_log_sample_summaries

    skip = {"messages", "attachments", "timelines"}  # the bulk; required fields must stay
    for summary in read_eval_log_sample_summaries(location):
        yield digest(read_eval_log_sample(location, summary.id, summary.epoch, exclude_fields=skip))


def digests_of(samples: Iterable[Any]) -> list[SampleDigest]:
    return [digest(sample) for sample in samples]


def log_digests(log: Any) -> list[SampleDigest]:
    """An inspect log's samples as digests: streamed from its file when there is one, else from memory."""
    location = (log.location or "").removeprefix("file://")
    if location and Path(location).is_file():
        try:
            return list(digests_from_log(location))
        except Exception:  # a log inspect could not finish writing: fall back to what is in memory
            pass
    return digests_of(log.samples or [])
