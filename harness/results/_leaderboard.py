"""`harness leaderboard`: results records → leaderboard.json, leaderboard.md and a static index.html.

Only comparable numbers share a table:
- A *board* is a task with its benchmark-defining parameters (the run's task arguments, e.g.
  Ambig-SWE's `setting`); runs of different parameters get different boards.
- Each board ranks by one *primary metric*: the one its tasks declare (inspect's
  `Task(headline_metric=...)`), else the first metric of the first scorer of the board's earliest
  run. Runs that lack it are listed apart, not ranked by another number.
- Ranks come with ties: a model's rank is 1 + the number of models whose 95% CI lies wholly
  above its own, so models whose intervals overlap share a rank.
- The *overall* view averages only boards whose primary metric is a pass/fail rate (0–1 scale,
  Wilson interval) and that every model in it has run; its standard error combines the boards'
  (independent samples), its CI combines the boards' Wilson intervals (MOVER: Zou & Donner 2008,
  the method behind Newcombe's difference interval), so 0/40 everywhere is [0, 0.088], not a point;
  n counts samples over those boards.
- No interval is zero-width for n > 1: a record written before schema version 2 whose interval is
  a point gets its Wilson interval again (pass/fail) or none.
- A row names the run's *user seat* (a simulator, a model, a person) where the task has a user: a
  person's run and a simulator's run of one model are two rows, and a simulator's row carries the
  USI measured for that run (`harness usi ... out=RUN_DIR`), or none: an unmeasured simulator is
  not presented as if it were people.
The latest run of a (board, model, user seat) wins. Unreadable records are named and skipped; the rest build.
The HTML page embeds the data as JSON and renders it with `textContent` only.
"""

from __future__ import annotations

import json
import math
import os
from collections import defaultdict
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from harness._errors import ConfigError, HarnessError
from harness.config._schemas import load_schema
from harness.results._record_file import RESULTS_FILE, atomic_write_text, read_record
from harness.results._redact import redact_messages
from harness.results._seats import is_person, user_seat
from harness.results._stats import wilson_interval


def leaderboard_schema() -> dict[str, Any]:
    """The JSON Schema of leaderboard.json (`harness/schemas/leaderboard.schema.json`)."""
    return load_schema("leaderboard.schema.json")


def find_records(paths: list[str]) -> tuple[list[Path], list[dict[str, str]]]:
    """Every results record under `paths` (files, or directories searched recursively).

    Raises:
        ConfigError: A path does not exist.
    """
    files: list[Path] = []
    skipped: list[dict[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise ConfigError(f"'{raw}' does not exist; give results.json files or directories of runs")
        if path.is_dir():
            found = sorted(path.rglob(RESULTS_FILE))
            if not found:
                skipped.append({"path": str(path), "reason": f"no {RESULTS_FILE} under it"})
            files += found
        else:
            files.append(path)
    return files, skipped


def collect(paths: list[str], out_dir: Path | None = None) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """One entry per (board, model): the latest run's primary score with its uncertainty."""
    files, skipped = find_records(paths)
    runs = []
    for file in files:
        try:
            runs.append((file, read_record(file)))
        except HarnessError as ex:
            skipped.append({"path": str(file), "reason": str(ex)})
    primaries = _primary_metrics([record for _, record in runs])
    latest: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    for file, record in runs:
        board = board_key(record)
        entry = _entry(file, record, board, primaries[board], out_dir)
        key = (board, entry["model"], entry["user_seat"])  # a person's run and a simulator's are two rows
        if key not in latest or entry["date"] > latest[key]["date"]:
            latest[key] = entry
    entries = list(latest.values())
    _rank(entries)
    return sorted(entries, key=_order), skipped


def board_key(record: dict[str, Any]) -> str:
    """The task and the parameters that define the benchmark it ran, e.g. `ambig_swe[setting=full]`."""
    args = record["params"].get("task_args") or {}
    if not args:
        return record["task"]["name"]
    inner = ",".join(f"{k}={json.dumps(v, sort_keys=True, default=str)}" for k, v in sorted(args.items()))
    return f"{record['task']['name']}[{inner}]"


def _primary_metrics(records: list[dict[str, Any]]) -> dict[str, tuple[str, str, bool]]:
    """Per board: (scorer, metric, declared) — a declared headline, else the earliest run's first metric."""
    by_board: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_board[board_key(record)].append(record)
    chosen = {}
    for board, members in by_board.items():
        members.sort(key=lambda r: r["completed_at"])
        declared = [r["primary_metric"] for r in members if (r.get("primary_metric") or {}).get("declared")]
        if declared:
            chosen[board] = (declared[-1]["scorer"], declared[-1]["name"], True)
            continue
        first = next((r for r in members if r["metrics"]), None)
        metric = (first.get("primary_metric") or first["metrics"][0]) if first else None
        chosen[board] = (metric["scorer"], metric["name"], False) if metric else ("", "", False)
    return chosen


def _entry(
    file: Path, record: dict[str, Any], board: str, primary: tuple[str, str, bool], out_dir: Path | None
) -> dict[str, Any]:
    scorer, name, declared = primary
    metric = next((m for m in record["metrics"] if m["scorer"] == scorer and m["name"] == name), None)
    metric = _honest_interval(metric) if metric else None
    log = record.get("inspect_log")
    seat = user_seat(record["params"])
    return {
        "board": board,
        "task": record["task"]["name"],
        "task_args": record["params"].get("task_args") or {},
        "model": record["model"],
        "model_roles": record["params"].get("model_roles") or {},
        "user_seat": seat,
        "usi": _usi(file, seat),
        "scorer": scorer,
        "metric": name,
        "declared": declared,
        "ranked": metric is not None,
        "value": metric["value"] if metric else None,
        "stderr": metric["stderr"] if metric else None,
        "ci95": metric["ci95"] if metric else None,
        "ci_method": metric["ci_method"] if metric else "unavailable",
        "n": metric["n"] if metric else 0,
        "rank": None,
        "status": record["status"],
        "run_id": record["run_id"],
        "date": record["completed_at"],
        "versions": {"plugeval": record["versions"]["plugeval"], "inspect_ai": record["versions"]["inspect_ai"]},
        "results": str(file),
        "log": log,
        "results_href": _href(str(file), out_dir),
        "log_href": _href(log, out_dir) if log else None,
    }


def _usi(file: Path, seat: str | None) -> dict[str, Any] | None:
    """The USI measured for a simulator's run (`harness usi ... out=` its directory), or None."""
    if seat is None or is_person(seat):
        return None
    from harness.usi._summary import measured_usi

    usi = measured_usi(file.parent)
    return {"value": usi["value"], "ci95": usi["ci95"], "file": usi["file"]} if usi else None


def _honest_interval(metric: dict[str, Any]) -> dict[str, Any]:
    """The metric with no zero-width interval for n > 1 (records before schema version 2 had them at 0/n)."""
    ci = metric.get("ci95")
    if not ci or ci[0] != ci[1] or metric["n"] < 2 or metric["value"] is None:
        return metric
    if metric["ci_method"] == "wilson":
        return {**metric, "ci95": list(wilson_interval(metric["value"], metric["n"]))}
    return {**metric, "ci95": None, "ci_method": "unavailable"}


def _href(path: str, out_dir: Path | None) -> str | None:
    """A relative link from the page to a local file, percent-encoded; None for anything else."""
    path = path.removeprefix("file://")
    if "://" in path:
        return None
    target = Path(path).resolve()
    base = (out_dir or Path.cwd()).resolve()
    return quote(os.path.relpath(target, base).replace(os.sep, "/"))


def _rank(entries: list[dict[str, Any]]) -> None:
    by_board: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        if entry["ranked"] and entry["value"] is not None:
            by_board[entry["board"]].append(entry)
    for members in by_board.values():
        for entry in members:
            low, high = _interval(entry)
            entry["rank"] = 1 + sum(1 for other in members if other is not entry and _interval(other)[0] > high)


def _interval(entry: dict[str, Any]) -> tuple[float, float]:
    return tuple(entry["ci95"]) if entry["ci95"] else (entry["value"], entry["value"])  # type: ignore[return-value]


def _order(entry: dict[str, Any]) -> tuple[Any, ...]:
    return (
        entry["board"],
        not entry["ranked"],
        entry["rank"] or 1 << 30,
        -(entry["value"] or 0),
        entry["model"],
        entry["user_seat"] or "",
    )


def overall(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean pass rate per model (and user seat) over the boards every one ran whose primary metric is a 0–1 rate."""
    rates = [e for e in entries if e["ranked"] and e["ci_method"] == "wilson" and e["value"] is not None and e["ci95"]]
    boards = sorted({e["board"] for e in rates})
    contenders = sorted({(e["model"], e.get("user_seat")) for e in rates}, key=lambda c: (c[0], c[1] or ""))
    ran = {(e["board"], e["model"], e.get("user_seat")) for e in rates}
    common = [b for b in boards if all((b, *c) in ran for c in contenders)]
    rows = []
    for model, seat in contenders:
        mine = [e for e in rates if (e["model"], e.get("user_seat")) == (model, seat) and e["board"] in common]
        if mine:
            rows.append({**_overall_row(model, mine), "user_seat": seat})
    for row in rows:
        row["rank"] = 1 + sum(1 for other in rows if other["ci95"][0] > row["ci95"][1])
    return {
        "boards": common,
        "left_out": [b for b in sorted({e["board"] for e in entries}) if b not in common],
        "method": "unweighted mean of each model's pass rate over the boards listed; stderr from the boards' "
        "stderrs (independent samples); 95% CI from the boards' Wilson intervals (MOVER, Zou & Donner 2008); "
        "n = samples over those boards. Boards whose primary metric is not a 0–1 pass/fail rate, or that not "
        "every model ran, are left out.",
        "rows": sorted(rows, key=lambda r: (r["rank"], -r["value"], r["model"], r["user_seat"] or "")),
    }


def _overall_row(model: str, mine: list[dict[str, Any]]) -> dict[str, Any]:
    """One model's mean over its boards: the MOVER combination of the boards' Wilson intervals."""
    k = len(mine)
    mean = sum(e["value"] for e in mine) / k
    stderr = math.sqrt(sum((e["stderr"] or 0.0) ** 2 for e in mine)) / k
    below = math.sqrt(sum((e["value"] - e["ci95"][0]) ** 2 for e in mine)) / k
    above = math.sqrt(sum((e["ci95"][1] - e["value"]) ** 2 for e in mine)) / k
    ci = [max(0.0, mean - below), min(1.0, mean + above)]
    return {"model": model, "value": mean, "stderr": stderr, "ci95": ci, "n": sum(e["n"] for e in mine)}


def build(paths: list[str], out_dir: str | Path) -> tuple[Path, list[dict[str, str]]]:
    """Write leaderboard.json, leaderboard.md and index.html into `out_dir`; returns it and the skipped files.

    Raises:
        ConfigError: A path does not exist, or no readable results record was found.
    """
    from harness.config._validation import validate

    out = Path(out_dir)
    entries, skipped = collect(paths, out)
    if not entries:
        reasons = "; ".join(f"{s['path']}: {s['reason']}" for s in skipped[:3]) or "nothing found"
        raise ConfigError(f"no readable results records under {', '.join(paths)} ({reasons})")
    board: dict[str, Any] = {
        "schema_version": 2,
        "generated_at": datetime.now(timezone.utc).isoformat(),
        "entries": entries,
        "overall": overall(entries),
        "skipped": skipped,
    }
    board = redact_messages(board)
    validate(board, leaderboard_schema())
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "leaderboard.json", json.dumps(board, indent=2) + "\n")
    atomic_write_text(out / "leaderboard.md", markdown(board))
    atomic_write_text(out / "index.html", html_page(board))
    return out, skipped


def _md_cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _ci(pair: list[float] | None) -> str:
    return f"[{pair[0]:.3f}, {pair[1]:.3f}]" if pair else "n/a"


def _rank_text(rank: int | None, ranks: list[int | None]) -> str:
    if rank is None:
        return "–"
    return f"={rank}" if ranks.count(rank) > 1 else str(rank)


def _seat_text(row: dict[str, Any]) -> str:
    seat = row.get("user_seat")
    return "–" if seat is None else _md_cell(seat)


def _usi_text(entry: dict[str, Any]) -> str:
    if entry.get("user_seat") is None or is_person(entry["user_seat"]):
        return "–"
    usi = entry.get("usi")
    if not usi:
        return "not measured"
    low, high = usi["ci95"] or (usi["value"], usi["value"])
    return f"{usi['value']:.1f} [{low:.1f}, {high:.1f}]"


def markdown(board: dict[str, Any]) -> str:
    """An overall table, then one table per board: rank (= marks ties), model, [user seat, USI,] score, 95% CI, n, run.

    The user seat and USI columns appear where some run had a user seat.
    """
    lines = ["# Leaderboard", "", f"Generated {board['generated_at']}."]
    summary = board["overall"]
    if summary["rows"]:
        seats = any(r.get("user_seat") for r in summary["rows"])
        lines += [
            "",
            "## Overall",
            "",
            f"Boards: {', '.join(_md_cell(b) for b in summary['boards'])}. {_md_cell(summary['method'])}",
            "",
            "| # | model |" + (" user seat |" if seats else "") + " mean | 95% CI | n |",
            "|---:|---|" + ("---|" if seats else "") + "---:|---|---:|",
        ]
        ranks = [r["rank"] for r in summary["rows"]]
        for row in summary["rows"]:
            seat = f" {_seat_text(row)} |" if seats else ""
            lines.append(
                f"| {_rank_text(row['rank'], ranks)} | {_md_cell(row['model'])} |{seat} {row['value']:.3f} | "
                f"{_ci(row['ci95'])} | {row['n']} |"
            )
    for name in sorted({e["board"] for e in board["entries"]}):
        lines += _board_lines(name, [e for e in board["entries"] if e["board"] == name])
    if board["skipped"]:
        lines += [
            "",
            "Skipped: " + "; ".join(f"{_md_cell(s['path'])} ({_md_cell(s['reason'])})" for s in board["skipped"]),
        ]
    return "\n".join(lines) + "\n"


def _board_lines(name: str, rows: list[dict[str, Any]]) -> list[str]:
    primary = f"{rows[0]['scorer']}/{rows[0]['metric']}" + ("" if rows[0]["declared"] else " (first metric)")
    seats = any(e.get("user_seat") for e in rows)
    lines = [
        "",
        f"## {_md_cell(name)} — {_md_cell(primary)}",
        "",
        "| # | model |" + (" user seat | USI |" if seats else "") + " score | 95% CI | n | run |",
        "|---:|---|" + ("---|---|" if seats else "") + "---:|---|---:|---|",
    ]
    ranks = [e["rank"] for e in rows]
    for e in rows:
        value = f"{e['value']:.3f}" if e["value"] is not None else "n/a"
        note = "" if e["ranked"] else " (no primary metric: not ranked)"
        seat = f" {_seat_text(e)} | {_usi_text(e)} |" if seats else ""
        lines.append(
            f"| {_rank_text(e['rank'], ranks)} | {_md_cell(e['model'])}{note} |{seat} {value} | {_ci(e['ci95'])} | "
            f"{e['n']} | `{_md_cell(e['run_id'])}` |"
        )
    return lines


def html_page(board: dict[str, Any]) -> str:
    """The self-contained page: data as JSON in a script element, rendered by the page's own script."""
    data = json.dumps(board).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    template = resources.files("harness.results").joinpath("_leaderboard.html").read_text(encoding="utf-8")
    return template.replace("/*DATA*/{}", data)
