"""`harness decepticon ...`: generate, validate, check and serve DECEPTICON tasks."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any
from pathlib import Path

from harness import HarnessError

from ._model import CATEGORIES, VARIANTS, Variant


def main(argv: list[str]) -> int:
    """Entry point of `harness decepticon` (a `harness.commands` plugin)."""
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
        prog="harness decepticon",
        description="DECEPTICON task sets: generate seeded tasks, validate task files, check them with the scripted "
        "policies in Chromium, or serve one for a person to try.",
    )
    commands = parser.add_subparsers(title="commands")

    gen = commands.add_parser("generate", help="generate seeded tasks (site templates x patterns x variables)")
    gen.add_argument("--seed", type=int, default=0, help="generator seed (default 0; the shipped set is seed 0)")
    gen.add_argument("--per-category", type=int, default=50, help="tasks per category (default 50)")
    gen.add_argument("--categories", default="", help=f"comma-separated subset of: {', '.join(CATEGORIES)}")
    gen.add_argument("--sites", default="", help="comma-separated subset of the site templates")
    gen.add_argument("--out", default="-", help="output .json file (default: stdout)")
    gen.set_defaults(handler=_generate)

    val = commands.add_parser("validate", help="check task files against the schema and their sites")
    val.add_argument("files", nargs="+", help="task .json files or directories")
    val.set_defaults(handler=_validate)

    check = commands.add_parser("check", help="run the scripted careful and naive policies in Chromium")
    check.add_argument("--tasks", default="shipped", help="'shipped', a task file or a directory")
    check.add_argument("--limit", type=int, default=0, help="only the first N tasks")
    check.add_argument(
        "--concurrency", type=int, default=None, help="episodes at a time (default: twice the browser-action slots)"
    )
    check.set_defaults(handler=_check)

    serve = commands.add_parser("serve", help="serve one task's site on 127.0.0.1 until Ctrl-C (try it yourself)")
    serve.add_argument("task_id", help="task id")
    serve.add_argument("--tasks", default="shipped", help="'shipped', a task file or a directory")
    serve.add_argument("--variant", choices=["treatment", "control"], default="treatment")
    serve.set_defaults(handler=_serve)

    llm = commands.add_parser("llm-generate", help="have a model write new wording for tasks (validated before use)")
    llm.add_argument("--model", required=True, help="any inspect model, e.g. openai/gpt-4o-mini or mockllm/model")
    llm.add_argument("--tasks", default="shipped", help="tasks to vary: 'shipped', a file or a directory")
    llm.add_argument("--limit", type=int, default=5, help="how many tasks to vary (default 5)")
    llm.add_argument("--out", default="-", help="output .json file (default: stdout)")
    llm.add_argument("--no-check", action="store_true", help="skip the scripted-policy check in Chromium")
    llm.set_defaults(handler=_llm_generate)
    return parser


def _names(text: str) -> list[str] | None:
    return [part.strip() for part in text.split(",") if part.strip()] or None


def _write(documents: list[dict], out: str) -> None:
    text = json.dumps(documents, indent=1, ensure_ascii=False) + "\n"
    if out == "-":
        sys.stdout.write(text)
    else:
        Path(out).write_text(text, encoding="utf-8")
        print(f"wrote {len(documents)} tasks to {out}", file=sys.stderr)


def _generate(args: argparse.Namespace) -> int:
    from harness import ConfigError

    from ._generator import GENERATORS, generate

    categories, sites = _names(args.categories), _names(args.sites)
    unknown = [c for c in categories or [] if c not in CATEGORIES] + [s for s in sites or [] if s not in GENERATORS]
    if unknown:
        raise ConfigError(
            f"unknown category or site: {', '.join(unknown)}; categories: {', '.join(CATEGORIES)}; "
            f"sites: {', '.join(GENERATORS)}"
        )
    if args.per_category < 1:
        raise ConfigError("--per-category must be at least 1")
    _write(generate(args.seed, args.per_category, categories, sites), args.out)
    return 0


def _validate(args: argparse.Namespace) -> int:
    from ._tasks import load_tasks

    failed = 0
    for name in args.files:
        try:
            tasks = load_tasks(name)
        except HarnessError as ex:
            print(f"{name}: {ex}", file=sys.stderr)
            failed += 1
        else:
            print(f"{name}: {len(tasks)} valid tasks")
    return 2 if failed else 0


def _check(args: argparse.Namespace) -> int:
    from harness import ConfigError

    from ._report import policy_report
    from ._runner import run_policy
    from ._tasks import load_tasks

    from ._limits import browser_limits

    browser_limits()  # a bad DECEPTICON_ACTIONS / DECEPTICON_EPISODES: say so before any browser starts
    if args.concurrency is not None and args.concurrency < 1:
        raise ConfigError(f"--concurrency must be at least 1, got {args.concurrency}")
    tasks = load_tasks(args.tasks)
    if args.limit:
        tasks = tasks[: args.limit]
    runs: list[tuple[Any, Variant]] = [(t, v) for t in tasks for v in VARIANTS]
    careful = run_policy(runs, "careful", args.concurrency)
    naive = run_policy(runs, "naive", args.concurrency)
    report = policy_report(tasks, careful, naive)
    print(report.table())
    return 0 if report.ok() else 1


def _serve(args: argparse.Namespace) -> int:
    import time

    from harness import ConfigError

    from ._server import SiteServer
    from ._tasks import load_tasks

    found = [t for t in load_tasks(args.tasks) if t.id == args.task_id]
    if not found:
        raise ConfigError(f"no task {args.task_id!r} in {args.tasks}")
    task = found[0]
    with SiteServer(task, args.variant) as server:
        print(f"{task.id} ({args.variant}): {server.origin}{task.start_page}\ngoal: {task.goal.text}\nCtrl-C to stop.")
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        state = server.state()
    from ._conditions import holds

    events = server.events()
    print(f"success={holds(task.success, state, events)} dp={holds(task.malicious, state, events)}")
    return 0


def _llm_generate(args: argparse.Namespace) -> int:
    from ._llm_generate import llm_generate

    _write(llm_generate(args.model, args.tasks, args.limit, check=not args.no_check), args.out)
    return 0
