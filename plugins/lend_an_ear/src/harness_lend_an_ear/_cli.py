"""`harness lend-an-ear ...`: report a run, validate or generate scenarios, measure the lexical detectors."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from harness import HarnessError


def main(argv: list[str]) -> int:
    """Entry point of `harness lend-an-ear` (a `harness.commands` plugin)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    try:
        return int(args.handler(args) or 0)
    except HarnessError as ex:
        print(f"error: {ex}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harness lend-an-ear",
        description="Lend an Ear: report a run by move and condition, validate or generate scenarios, "
        "and measure the lexical detectors on the hand-labelled turns.",
    )
    commands = parser.add_subparsers(title="commands")
    report = commands.add_parser("report", help="figures per move and condition with 95%% CIs, paired effects, a chart")
    report.add_argument("run", help="a run directory (with results.json) or an inspect .eval log")
    report.add_argument(
        "--out", default=None, help="directory for lend_an_ear_report.{md,json,svg} (default: the run directory)"
    )
    report.set_defaults(handler=_report)

    validate = commands.add_parser("validate", help="check scenario files against the schema")
    validate.add_argument("files", nargs="+", help="scenario .json files or directories")
    validate.set_defaults(handler=_validate)

    generate = commands.add_parser("generate", help="have a model write new scenarios (validated before they are kept)")
    generate.add_argument("--model", required=True, help="any inspect model, e.g. openai/gpt-4o-mini")
    generate.add_argument("--count", type=int, default=10, help="scenarios to write (default 10)")
    generate.add_argument("--domains", default="workplace,personal", help="comma-separated: workplace, personal")
    generate.add_argument("--seed", type=int, default=0, help="seed for the themes and ids (default 0)")
    generate.add_argument("--out", default="-", help="output .json file (default: stdout)")
    generate.set_defaults(handler=_generate)

    detectors = commands.add_parser("detectors", help="precision and recall of the lexical detectors per move")
    detectors.add_argument(
        "--split", choices=["dev", "test", "all"], default="test", help="which labelled turns (default test)"
    )
    detectors.set_defaults(handler=_detectors)
    return parser


def _report(args: argparse.Namespace) -> int:
    from ._chart import chart_svg
    from ._report import build_report, markdown

    report = build_report(args.run)
    run = Path(args.run)
    out = Path(args.out) if args.out else (run if run.is_dir() else run.parent)
    out.mkdir(parents=True, exist_ok=True)
    text = markdown(report)
    (out / "lend_an_ear_report.md").write_text(text, encoding="utf-8")
    (out / "lend_an_ear_report.json").write_text(json.dumps(report.to_json(), indent=1) + "\n", encoding="utf-8")
    (out / "lend_an_ear_report.svg").write_text(chart_svg(report.by_condition), encoding="utf-8")
    print(text)
    print(f"wrote {out / 'lend_an_ear_report.md'}, .json and .svg (chart)")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from ._scenarios import load_scenarios

    failed = 0
    for name in args.files:
        try:
            found = load_scenarios(name)
        except HarnessError as ex:
            print(f"{name}: {ex}", file=sys.stderr)
            failed += 1
        else:
            print(f"{name}: {len(found)} valid scenarios")
    return 2 if failed else 0


def _generate(args: argparse.Namespace) -> int:
    import asyncio

    from harness import ConfigError, install_offline_token_counting

    from ._generate import generate_scenarios

    domains = tuple(d.strip() for d in args.domains.split(",") if d.strip())
    bad = [d for d in domains if d not in ("workplace", "personal")]
    if bad or not domains:
        raise ConfigError(f"--domains: unknown domain {bad[0] if bad else '(none)'!r}; known: workplace, personal")
    if args.count < 1:
        raise ConfigError("--count must be at least 1")
    install_offline_token_counting()
    result = asyncio.run(generate_scenarios(args.model, args.count, domains, args.seed))
    for reason in result.rejected:
        print(f"dropped: {reason}", file=sys.stderr)
    text = json.dumps([s.to_json() for s in result.scenarios], indent=1, ensure_ascii=False) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {len(result.scenarios)} scenarios to {args.out}", file=sys.stderr)
    return 0 if len(result.scenarios) == args.count else 1


def _detectors(args: argparse.Namespace) -> int:
    from ._labelled import detector_scores, labelled_turns

    turns = labelled_turns(None if args.split == "all" else args.split)
    print(detector_table(detector_scores(turns), len(turns), args.split))
    return 0


def detector_table(scores: dict, n: int, split: str) -> str:
    """A Markdown table of each move's detector precision and recall."""
    from ._moves import TITLES

    lines = [
        f"Lexical detectors on {n} hand-labelled supporter turns ({split}):",
        "",
        "| move | labelled present | precision | recall |",
        "|---|---|---|---|",
    ]
    for move, s in scores.items():
        p = "n/a" if s.precision is None else f"{s.precision:.2f} ({s.tp}/{s.tp + s.fp})"
        r = "n/a" if s.recall is None else f"{s.recall:.2f} ({s.tp}/{s.tp + s.fn})"
        lines.append(f"| {TITLES[move]} | {s.tp + s.fn} | {p} | {r} |")
    return "\n".join(lines)
