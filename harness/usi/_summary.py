"""A run's measured USI, for its results record and the leaderboard (`simulation.usi`).

A simulator run has a measured USI when `harness usi ... candidate=RUN_DIR out=RUN_DIR` wrote
`usi.json` into the run directory (beside `results.json`) with this run as its candidate.
Otherwise its record says `usi: not measured`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

NOT_MEASURED = "not measured"
"""What `simulation.usi` says for a simulator run without a measured USI."""

USI_FILE = "usi.json"


def measured_usi(run_dir: str | Path) -> dict[str, Any] | None:
    """The USI measured for the run in `run_dir` (its `usi.json`, with this run as candidate), or None.

    Returns:
        `{"value", "ci95", "stderr", "covers", "reference", "file"}`: the index with its 95% CI,
        the figures it averages, the reference it was measured against, and the usi.json path.
        None when the directory has no usi.json, or one that is invalid or about another run.
    """
    import jsonschema

    from harness.usi._report import check_usi

    folder = Path(run_dir)
    path = folder / USI_FILE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        check_usi(document)
    except (OSError, json.JSONDecodeError, jsonschema.ValidationError):
        return None
    candidate = Path(document["candidate"]["path"])
    if not candidate.exists() or folder.resolve() not in (candidate.resolve(), candidate.resolve().parent):
        return None
    usi = document["usi"]
    return {
        "value": usi["value"],
        "ci95": usi["ci95"],
        "stderr": usi["stderr"],
        "covers": usi["covers"],
        "reference": document["reference"]["path"],
        "file": str(path.resolve()),
    }
