"""The `harness usi` command: its spec (help, examples, settings) and handler. Imports nothing heavy at the top."""

from __future__ import annotations

import argparse
from typing import Any

from harness.cli._spec import Command, arg

DATA = "harness/usi/data"

USI_SETTINGS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["reference", "candidate"],
    "properties": {
        "reference": {"type": "string", "minLength": 1, "description": "people's run directory or conversations file"},
        "candidate": {
            "type": "string",
            "minLength": 1,
            "description": "simulator's run directory or conversations file",
        },
        "out": {
            "type": "string",
            "minLength": 1,
            "default": "usi",
            "description": "directory for usi.json and usi.svg",
        },
        "draws": {"type": "integer", "minimum": 100, "maximum": 100000, "default": 2000},
        "seed": {"type": "integer", "default": 0},
        "metric": {"type": "string", "minLength": 1, "description": "scorer whose score is task success (runs)"},
        "rating_min": {"type": "number", "default": 1},
        "rating_max": {"type": "number", "default": 5},
    },
}

EXPORT_SETTINGS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["out"],
    "properties": {
        "out": {"type": "string", "minLength": 1, "description": "conversations file (JSONL) to write"},
        "metric": {"type": "string", "minLength": 1},
    },
}

_NOTES = """\
keys:
  reference=PATH        people's side: a run directory of `harness eval` (or its inspect log) or a conversations
                        file (JSONL, schema harness/schemas/conversation.schema.json)
  candidate=PATH        the simulator's side, the same way
  out=DIR               where usi.json (schema harness/schemas/usi.schema.json) and usi.svg go (default: usi)
  draws=2000 seed=0     bootstrap resamples for the 95% CIs, and their seed
  metric=SCORER         the scorer whose score is task success, for runs (default: each sample's first)
  rating_min=1 rating_max=5   the survey scale, mapped to [0, 1]

`harness usi export RUN out=FILE [metric=SCORER]` writes a run's conversations as JSONL.
Figures, features and their definitions: docs/users-in-the-loop.md."""


def cmd_usi(args: argparse.Namespace) -> int:
    """`harness usi reference=A candidate=B [out=DIR]` or `harness usi export RUN out=FILE`."""
    tokens = list(args.settings)
    if tokens and tokens[0] == "export":
        return _export(tokens[1:])
    from harness.cli._handlers import settings_of
    from harness.usi._conversations import UsiInputError
    from harness.usi._index import compute_usi
    from harness.usi._report import print_report, write_outputs
    from harness.usi._sources import check_comparable, load_source

    if any("=" not in token for token in tokens):
        stray = next(token for token in tokens if "=" not in token)
        raise UsiInputError(f"'{stray}' is not KEY=VALUE; usage: harness usi reference=A candidate=B [out=DIR]")
    settings = settings_of(tokens, USI_SETTINGS, f"reference={DATA}/people.jsonl candidate=RUN_DIR")
    if settings["rating_max"] <= settings["rating_min"]:
        raise UsiInputError("rating_max must be above rating_min (the survey scale, e.g. 1 and 5)")
    reference = load_source("reference", settings["reference"], settings.get("metric"))
    candidate = load_source("candidate", settings["candidate"], settings.get("metric"))
    check_comparable(reference.conversations, candidate.conversations)
    document = compute_usi(
        reference.conversations,
        candidate.conversations,
        draws=settings["draws"],
        seed=settings["seed"],
        rating_scale=(settings["rating_min"], settings["rating_max"]),
    )
    document.update(reference=reference.description, candidate=candidate.description)
    document["settings"]["metric"] = settings.get("metric")
    print_report(document)
    json_path, svg_path = write_outputs(document, settings["out"])
    print(f"wrote {json_path.resolve()} and {svg_path.resolve()}")
    return 0


def _export(tokens: list[str]) -> int:
    from harness.cli._handlers import settings_of
    from harness.usi._conversations import UsiInputError, write_conversations
    from harness.usi._runs import read_run

    runs = [token for token in tokens if "=" not in token]
    if len(runs) != 1:
        raise UsiInputError("usage: harness usi export RUN_DIR out=FILE.jsonl (one run directory or inspect log)")
    settings = settings_of([t for t in tokens if "=" in t], EXPORT_SETTINGS, "out=conversations.jsonl")
    run = read_run(runs[0], settings.get("metric"))
    if not run.conversations:
        why = ", ".join(f"{count} {reason}" for reason, count in run.skipped.items()) or "it has no samples"
        raise UsiInputError(f"{runs[0]}: no sample with user-seat turns and a score to export ({why})")
    path = write_conversations(run.conversations, settings["out"])
    left_out = "; left out: " + ", ".join(f"{n} {why}" for why, n in run.skipped.items()) if run.skipped else ""
    print(f"wrote {path.resolve()} ({len(run.conversations)} conversations{left_out})")
    return 0


USI = Command(
    "usi",
    help="how far a simulated user is from people (USI)",
    description="Compare the user seat of two sets of conversations, people's (reference) and a simulator's "
    "(candidate): behavioural features of the user turns in four dimensions, calibration of task success over "
    "difficulty, agreement of survey ratings, and their mean, the USI (0-100), each with a bootstrap 95% CI. "
    "Prints a table and writes usi.json and a chart (usi.svg) into out=DIR.",
    examples=(
        (f"harness usi reference={DATA}/people.jsonl candidate={DATA}/sim_answer_only.jsonl", "two shipped sets"),
        ("harness usi reference=logs/human-run candidate=logs/oracle-run out=reports/usi", "two run directories"),
        ("harness usi export logs/oracle-run out=oracle.jsonl", "a run's conversations as JSONL"),
    ),
    args=(arg("settings", nargs="*", metavar="KEY=VALUE | export RUN out=FILE"),),
    handler=cmd_usi,
    notes=_NOTES,
    takes_keys=True,
)
"""The `harness usi` command (added to the CLI's command table)."""
