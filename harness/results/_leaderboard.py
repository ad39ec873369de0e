"""`harness leaderboard`: results records → leaderboard.json, leaderboard.md and a static index.html.

Each run contributes its primary metric (the first metric of its first scorer) as one entry; the
latest run wins when a task and model repeat. A file that is not a valid results record is named
and skipped; the rest still build. The HTML page embeds the data as JSON and renders it with
`textContent`, so no text from a record is ever parsed as HTML.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from harness._errors import HarnessError
from harness.results._record import RESULTS_FILE, atomic_write_text, read_record
from harness.config._schemas import load_schema


def leaderboard_schema() -> dict[str, Any]:
    """The JSON Schema of leaderboard.json (`harness/schemas/leaderboard.schema.json`)."""
    return load_schema("leaderboard.schema.json")


def collect(paths: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Entries from every results record under `paths` (files or directories, searched recursively)."""
    files: list[Path] = []
    skipped: list[dict[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(path.rglob(RESULTS_FILE))
            if not found:
                skipped.append({"path": str(path), "reason": f"no {RESULTS_FILE} under it"})
            files += found
        else:
            files.append(path)
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for file in files:
        try:
            record = read_record(file)
        except HarnessError as ex:
            skipped.append({"path": str(file), "reason": str(ex)})
            continue
        if not record["metrics"]:
            skipped.append({"path": str(file), "reason": f"run status {record['status']}: no metrics"})
            continue
        metric = record["metrics"][0]
        entry = {
            "task": record["task"]["name"],
            "model": record["model"],
            "scorer": metric["scorer"],
            "metric": metric["name"],
            "value": metric["value"],
            "stderr": metric["stderr"],
            "ci95": metric["ci95"],
            "n": metric["n"],
            "run_id": record["run_id"],
            "date": record["completed_at"],
            "versions": {"plugeval": record["versions"]["plugeval"], "inspect_ai": record["versions"]["inspect_ai"]},
            "results": str(file),
        }
        key = (entry["task"], entry["model"])
        if key not in latest or entry["date"] > latest[key]["date"]:
            latest[key] = entry
    return sorted(latest.values(), key=lambda e: (e["task"], -(e["value"] or 0), e["model"])), skipped


def build(paths: list[str], out_dir: str | Path) -> tuple[Path, list[dict[str, str]]]:
    """Write leaderboard.json, leaderboard.md and index.html into `out_dir`; returns it and the skipped files."""
    from harness.config._validation import validate

    entries, skipped = collect(paths)
    board = {
        "schema_version": 1,
        "generated_at": datetime.now(timezone.utc).isoformat(),
        "entries": entries,
        "skipped": skipped,
    }
    validate(board, leaderboard_schema())
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "leaderboard.json", json.dumps(board, indent=2) + "\n")
    atomic_write_text(out / "leaderboard.md", markdown(board))
    atomic_write_text(out / "index.html", html_page(board))
    return out, skipped


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def markdown(board: dict[str, Any]) -> str:
    """One table per task: model, score, 95% CI, n, run."""
    lines = ["# Leaderboard", "", f"Generated {board['generated_at']}."]
    for task in sorted({e["task"] for e in board["entries"]}):
        rows = [e for e in board["entries"] if e["task"] == task]
        lines += [
            "",
            f"## {_md_cell(task)} ({_md_cell(rows[0]['scorer'])}/{_md_cell(rows[0]['metric'])})",
            "",
            "| # | model | score | 95% CI | n | run |",
            "|---:|---|---:|---|---:|---|",
        ]
        for rank, e in enumerate(rows, start=1):
            ci = f"[{e['ci95'][0]:.3f}, {e['ci95'][1]:.3f}]" if e["ci95"] else "n/a"
            value = f"{e['value']:.3f}" if e["value"] is not None else "n/a"
            lines.append(f"| {rank} | {_md_cell(e['model'])} | {value} | {ci} | {e['n']} | `{e['run_id']}` |")
    if board["skipped"]:
        lines += [
            "",
            "Skipped: " + "; ".join(f"{_md_cell(s['path'])} ({_md_cell(s['reason'])})" for s in board["skipped"]),
        ]
    return "\n".join(lines) + "\n"


def html_page(board: dict[str, Any]) -> str:
    """The self-contained page: data as JSON in a script element, rendered by the page's own script."""
    data = json.dumps(board).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    template = resources.files("harness.results").joinpath("_leaderboard.html").read_text(encoding="utf-8")
    return template.replace("/*DATA*/{}", data)
