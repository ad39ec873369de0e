"""A shard's log as the merge reads it: how the shard ended, and its header and samples.

A finished local log is read without validating its transcripts (`ShardLog`); a log from elsewhere is
read with `read_eval_log`, and one a dying worker left half-written is first recovered with
`recover_eval_log`.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass, field
from typing import Any

SAMPLES_DIR = "samples/"
"""The folder of inspect's `.eval` zip that holds one member per sample (and epoch)."""
SUMMARIES_MEMBER = "summaries.json"
"""The member of inspect's `.eval` zip that holds the samples' summaries."""


@dataclass(frozen=True)
class ShardOutcome:
    """How one shard ended, as the executor saw it.

    Attributes:
        index: Shard number.
        log: Location of its log, or None when it wrote none.
        problem: Why it ended early (worker died, task failed...), or None.
        cancelled: It was stopped by Ctrl-C.
    """

    index: int
    log: str | None
    problem: str | None = None
    cancelled: bool = False


@dataclass
class ShardLog:
    """A shard's log as the merge reads it.

    A finished local log is read without validating its transcripts: its header, and for each
    sample a light `EvalSample` holding what the merge and the metrics need (id, epoch,
    metadata, scores, error), with the zip member that holds the whole sample, which the merge
    copies as it is. A log from elsewhere, or one a dying worker left half-written (recovered
    first), is read whole with `read_eval_log`; its samples are written again by inspect.

    Attributes:
        header: The log without its samples (location, spec, plan, status, stats, error).
        samples: Its samples (light ones where `members` names them).
        members: For light samples, keyed by (id, epoch): the zip member holding the whole sample.
        summaries: For light samples, keyed by (id, epoch): the sample summary as the log stores it.
    """

    header: Any
    samples: list[Any]
    members: dict[tuple[Any, int], str] = field(default_factory=dict)
    summaries: dict[tuple[Any, int], Any] = field(default_factory=dict)

    def drop(self, keys: set[tuple[Any, int]]) -> None:
        """Leave out the samples `keys` (those a dead worker was still running)."""
        self.samples = [s for s in self.samples if (s.id, s.epoch) not in keys]
        for key in keys:
            self.members.pop(key, None)
            self.summaries.pop(key, None)


def read_shard(outcome: ShardOutcome) -> ShardLog | None:
    """A shard's log; one a dying worker left half-written is recovered first."""
    from inspect_ai.log import read_eval_log, recover_eval_log

    if outcome.log is None:
        return None
    try:
        header = read_eval_log(outcome.log, header_only=True)
    except Exception:  # killed before its first flush: nothing readable
        return None
    if header.status != "started" and os.path.isfile(outcome.log):
        light = _read_light(outcome.log, header)
        if light is not None:
            return light
    try:
        log = read_eval_log(outcome.log)
    except Exception:
        return None
    if log.status == "started":
        try:
            log = recover_eval_log(outcome.log, cleanup=False)
        except Exception:  # no recovery data: what was flushed is what there is
            pass
    samples = list(log.samples or [])
    log.samples = None
    return ShardLog(header=log, samples=samples)


def _read_light(path: str, header: Any) -> ShardLog | None:
    """The light reading of a finished local log, or None when its layout is not the one expected."""
    from inspect_ai.log import EvalError, EvalSample
    from inspect_ai.scorer import Score

    shard = ShardLog(header=header, samples=[])
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if SUMMARIES_MEMBER not in names:
                return None
            for summary in json.loads(archive.read(SUMMARIES_MEMBER)):
                shard.summaries[(summary["id"], summary["epoch"])] = summary
            for name in sorted(n for n in names if n.startswith(SAMPLES_DIR) and n.endswith(".json")):
                data = json.loads(archive.read(name))  # the member's last write, if it was written twice
                key = (data["id"], data["epoch"])
                error = data.get("error")
                shard.samples.append(
                    EvalSample(
                        id=key[0],
                        epoch=key[1],
                        input="",
                        target="",
                        metadata=data.get("metadata") or {},
                        scores={k: Score.model_validate(v) for k, v in (data.get("scores") or {}).items()} or None,
                        error=EvalError.model_validate(error) if error else None,
                    )
                )
                shard.members[key] = name
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile):
        return None
    if set(shard.members) - set(shard.summaries):
        return None
    return shard
