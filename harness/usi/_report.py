"""What `harness usi` shows and writes: usi.json (validated), a terminal table, an SVG chart."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from harness._errors import StorageError
from harness.usi._index import COMPONENTS

SCHEMA_FILE = "usi.schema.json"
COLLAPSED = 0.5
"""A dispersion ratio below this is flagged as mode collapse in the table."""
LABELS = {
    "D1": "D1 communication style",
    "D2": "D2 information pattern",
    "D3": "D3 clarification",
    "D4": "D4 error reaction",
    "calibration": "calibration (1-ECE)",
    "eval": "eval (1-MAE)",
}


def check_usi(document: dict[str, Any]) -> None:
    """Validate a usi.json document against `harness/schemas/usi.schema.json`.

    Raises:
        jsonschema.ValidationError: The document does not fit the schema.
    """
    import jsonschema

    from harness.config._schemas import load_schema

    jsonschema.Draft202012Validator(load_schema(SCHEMA_FILE)).validate(document)


def write_outputs(document: dict[str, Any], out: str | Path) -> tuple[Path, Path]:
    """Write `out/usi.json` (validated first) and `out/usi.svg`; returns both paths."""
    check_usi(document)
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        json_path, svg_path = folder / "usi.json", folder / "usi.svg"
        json_path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        svg_path.write_text(chart_svg(document), encoding="utf-8")
    except OSError as error:
        raise StorageError(f"cannot write into {folder}: {error.strerror} (choose another out=DIR)") from None
    return json_path, svg_path


def _ci(estimate: dict[str, Any] | None, scale: float = 1.0, digits: int = 1) -> str:
    if not estimate or estimate.get("ci95") is None:
        return "-"
    low, high = estimate["ci95"]
    return f"[{low * scale:.{digits}f}, {high * scale:.{digits}f}]"


def print_report(document: dict[str, Any], console: Any = None) -> None:
    """The figures, the features and the success gap as tables on the terminal."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = console or Console(highlight=False)
    n = document["n"]
    figures = Table(
        title=f"User-Simulation Index (reference n={n['reference']}, candidate n={n['candidate']}, "
        f"paired {n['matched']}; bootstrap {n['draws']})",
        box=box.SIMPLE_HEAD,
    )
    for column in ("figure", "value", "95% CI", "stderr"):
        figures.add_column(column, justify="left" if column == "figure" else "right")
    for key in COMPONENTS:
        entry = document["dimensions"][key]
        if entry is None:
            figures.add_row(LABELS[key], "not measured", document["not_measured"][key], "")
        else:
            figures.add_row(LABELS[key], f"{entry['value']:.1f}", _ci(entry), _stderr(entry))
    usi = document["usi"]
    figures.add_row("[bold]USI[/bold]", f"[bold]{usi['value']:.1f}[/bold]", _ci(usi), _stderr(usi))
    console.print(figures)
    covers = usi["covers"]
    if len(covers) < len(COMPONENTS):
        console.print(f"USI covers {', '.join(covers)} only (the rest are not measured).")
    console.print(_feature_table(document))
    console.print(_success_line(document["success"]))


def _stderr(estimate: dict[str, Any]) -> str:
    return "-" if estimate.get("stderr") is None else f"{estimate['stderr']:.1f}"


def _feature_table(document: dict[str, Any]) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(title="Features of the user turns (mean per conversation)", box=box.SIMPLE_HEAD)
    for column in ("feature", "dim", "reference", "candidate", "similarity", "std ratio"):
        table.add_column(column, justify="left" if column in ("feature", "dim") else "right")
    collapsed = False
    for name, feature in document["features"].items():
        similarity, ratio = feature["similarity"], feature["dispersion_ratio"]
        collapsed |= ratio is not None and ratio < COLLAPSED
        table.add_row(
            name,
            feature["dimension"],
            _number(feature["reference"]["mean"]),
            _number(feature["candidate"]["mean"]),
            "-" if similarity is None else f"{similarity['value']:.1f}",
            "-" if ratio is None else f"{ratio:.2f}" + ("*" if ratio < COLLAPSED else " "),
        )
    if collapsed:
        table.caption = f"* std ratio (candidate / reference) below {COLLAPSED}: the simulator varies less than people"
    return table


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def _success_line(success: dict[str, Any]) -> str:
    ref, cand, gap = success["reference"], success["candidate"], success["gap"]
    kind = f"paired over {gap['n']} ids" if gap["paired"] else "unpaired"
    return (
        f"success: reference {ref['value']:.1%} {_ci(ref, 100)} n={ref['n']}; candidate {cand['value']:.1%} "
        f"{_ci(cand, 100)} n={cand['n']}; gap (candidate - reference) {gap['value'] * 100:+.1f} points "
        f"{_ci(gap, 100)} ({kind}, {gap['ci_method']})"
    )


def chart_svg(document: dict[str, Any]) -> str:
    """A bar chart of the figures (0-100) with their 95% CIs, as a self-contained SVG."""
    rows = [(LABELS[key], document["dimensions"][key]) for key in COMPONENTS] + [("USI", document["usi"])]
    left, width, bar, gap = 190, 420, 18, 10
    height = 40 + len(rows) * (bar + gap) + 30

    def x(value: float) -> float:
        return left + width * max(0.0, min(value, 100.0)) / 100

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 140}" height="{height}" '
        f'font-family="sans-serif" font-size="12" role="img" aria-label="User-Simulation Index by figure">',
        f'<text x="{left}" y="20" font-weight="bold">User-Simulation Index (0-100, bars: value, lines: 95% CI)</text>',
    ]
    for tick in range(0, 101, 20):
        parts.append(f'<line x1="{x(tick)}" y1="30" x2="{x(tick)}" y2="{height - 25}" stroke="#ddd"/>')
        parts.append(f'<text x="{x(tick)}" y="{height - 10}" text-anchor="middle">{tick}</text>')
    for index, (label, entry) in enumerate(rows):
        y = 35 + index * (bar + gap)
        parts.append(f'<text x="{left - 8}" y="{y + bar - 5}" text-anchor="end">{escape(label)}</text>')
        if entry is None:
            parts.append(f'<text x="{left + 4}" y="{y + bar - 5}" fill="#888">not measured</text>')
            continue
        colour = "#2b6cb0" if label == "USI" else "#63a4d8"
        parts.append(
            f'<rect x="{left}" y="{y}" width="{x(entry["value"]) - left:.1f}" height="{bar}" fill="{colour}">'
            f"<title>{escape(label)}: {entry['value']:.1f} {_ci(entry)}</title></rect>"
        )
        if entry.get("ci95"):
            low, high = entry["ci95"]
            middle = y + bar / 2
            parts.append(
                f'<line x1="{x(low):.1f}" y1="{middle}" x2="{x(high):.1f}" y2="{middle}" stroke="#222" '
                'stroke-width="2"/>'
            )
        parts.append(f'<text x="{x(100) + 10}" y="{y + bar - 5}">{entry["value"]:.1f} {_ci(entry)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
