"""`harness stateful-swe`: the report over runs, history generation, and the catalogue."""

from __future__ import annotations

import argparse
import sys

from harness import HarnessError

DESCRIPTION = """\
Stateful SWE (plugeval-stateful-swe).

  report RUN [RUN ...] [--json FILE]   success and preference satisfaction per run, profile and session,
                                       and paired comparisons of runs in the same setting
  histories PROFILE [...] --out DIR    write longer histories with a model (validated), or without one
  catalogue                            the preference catalogue as a Markdown table

Examples:
  harness stateful-swe report logs/RUN_A logs/RUN_B
  harness stateful-swe histories maya priya --sessions 6 --model openai/gpt-4o-mini --out histories/
  harness eval task=stateful_swe task.histories=histories/ ...
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harness stateful-swe", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="the report over runs")
    report.add_argument("runs", nargs="+", help="run directories (or .eval logs) of task=stateful_swe")
    report.add_argument("--json", help="also write the report as JSON to this file")
    histories = commands.add_parser("histories", help="write histories for profiles")
    histories.add_argument("profiles", nargs="+", help="profile ids (see `harness stateful-swe catalogue`)")
    histories.add_argument("--sessions", type=int, default=6, help="earlier sessions per profile (default 6)")
    histories.add_argument("--model", help="inspect model that writes them (default: none, the scripted writer)")
    histories.add_argument("--attempts", type=int, default=3, help="tries per profile until one validates")
    histories.add_argument("--max-tokens", type=int, default=2000, help="cap on each model answer")
    histories.add_argument("--out", required=True, help="folder for <profile>.json")
    commands.add_parser("catalogue", help="the preference catalogue as Markdown")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Stateful SWE: the report over runs (paired comparisons), longer histories, the preference catalogue."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "report":
            from ._report import markdown, report, write_json

            data = report(args.runs)
            print(markdown(data), end="")
            if args.json:
                write_json(data, args.json)
        elif args.command == "histories":
            from ._generate import write_histories

            for line in write_histories(
                args.profiles, args.sessions, args.model, args.attempts, args.max_tokens, args.out
            ):
                print(line)
        else:
            from ._catalogue import load_catalogue

            print(catalogue_markdown(load_catalogue()), end="")
    except HarnessError as ex:
        print(f"harness stateful-swe: {ex}", file=sys.stderr)
        return 2
    return 0


def catalogue_markdown(catalogue: object) -> str:
    """The catalogue as a Markdown table: id, category, statement, how it is checked."""
    from ._catalogue import Catalogue

    assert isinstance(catalogue, Catalogue)
    lines = ["| id | category | statement | checked by |", "|---|---|---|---|"]
    for p in catalogue.preferences.values():
        how = "grader (cue offline)" if p.kind == "judge" else p.kind
        lines.append(f"| `{p.id}` | {p.category} | {p.statement} | {how} |")
    return "\n".join(lines) + "\n"
