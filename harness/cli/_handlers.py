"""What each built-in `harness` command does once its arguments are parsed. Heavy imports stay inside."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from harness._errors import HarnessError
from harness.plugins._kinds import PluginKind


def exit_code(status: str) -> int:
    """0 for a run that finished, 130 for one interrupted (Ctrl-C), 1 for one that ended in error."""
    return {"success": 0, "cancelled": 130}.get(status, 1)


def _disabled(args: argparse.Namespace) -> list[str]:
    names = []
    for flag in args.plugin_flags:
        if not flag.startswith("no:") or len(flag) == 3:
            raise HarnessError(f"-p takes no:NAME (e.g. -p no:my_task), got '{flag}'")
        names.append(flag[3:])
    return names


def _registry(args: argparse.Namespace) -> Any:
    from harness.plugins._registry import Registry

    return Registry.from_environment(_disabled(args))


def _own_results_panel() -> None:
    """The command prints one results panel per run, its own; inspect's is not printed too."""
    from harness.run._inspect_call import hide_inspect_results_panel

    hide_inspect_results_panel()


def cmd_eval(args: argparse.Namespace) -> int:
    from harness.cli._output import print_outcome
    from harness.config._run_config import load_run_config, parse_overrides

    _own_results_panel()
    registry = _registry(args)
    if args.resume:
        from harness.run._execute import resume_run

        if args.config:
            raise HarnessError("--resume takes the run's saved settings; drop --config (KEY=VALUE overrides work)")
        outcome = resume_run(args.resume, parse_overrides(args.overrides), registry)
    else:
        config = load_run_config(parse_overrides(args.overrides), args.config)
        from harness.run._execute import run_eval

        outcome = run_eval(config, registry)
    print_outcome(outcome)
    return exit_code(outcome.record["status"])


def cmd_list(args: argparse.Namespace) -> int:
    from harness.cli._output import print_listing

    registry = _registry(args)
    if args.kind == "commands" and args.format == "text":
        from harness.cli._output import print_commands

        return 1 if print_commands(registry.disabled, check=args.check) and args.check else 0
    kind = PluginKind.from_plural(args.kind) if args.kind and args.kind != "commands" else None
    if args.format != "text":
        from harness.cli._directory import directory_markdown, listing_json, plugin_rows

        rows = plugin_rows(registry, kind, only_commands=args.kind == "commands")
        print(listing_json(rows) if args.format == "json" else directory_markdown(rows), end="")
        return 0
    return print_listing(registry, kind, check=args.check)


def cmd_info(args: argparse.Namespace) -> int:
    from harness.cli._output import print_info

    return print_info(_registry(args), args.name, args.kind)


def cmd_eval_set(args: argparse.Namespace) -> int:
    from harness.cli._output import print_eval_set
    from harness.run._eval_set import load_matrix, run_eval_set

    if not args.config:
        raise HarnessError("harness eval-set needs a matrix file: harness eval-set --config MATRIX (see --help)")
    matrix = load_matrix(args.config)
    _own_results_panel()
    outcome = run_eval_set(matrix, _registry(args))
    print_eval_set(outcome)
    return exit_code(outcome.status)


def cmd_ci_init(args: argparse.Namespace) -> int:
    from pathlib import Path

    from harness.cli._ci_workflow import init_ci

    for path in init_ci(args.out, args.matrix, args.packages, args.python, args.branch, force=args.force):
        print(f"wrote {Path(path).resolve()}")
    return 0


_NEW_PLUGIN_SETTINGS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"kind": {"enum": ["task", "scorer", "solver", "simulator"], "default": "task"}},
}


def cmd_new_plugin(args: argparse.Namespace) -> int:
    from harness.cli._scaffold import new_plugin

    settings = settings_of(args.settings, _NEW_PLUGIN_SETTINGS, "kind=task")
    root = new_plugin(args.name, settings["kind"], args.dir).resolve()
    print(f"wrote {root}/ ({settings['kind']} plugin). Next: pip install -e '{root}[test]' && pytest {root}")
    return 0


COMPARE_SETTINGS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "metric": {"type": "string", "minLength": 1},
        "alpha": {"type": "number", "exclusiveMinimum": 0, "maximum": 0.5, "default": 0.05},
        "fail_on_regression": {"type": "boolean", "default": False},
        "format": {"enum": ["table", "md", "json"], "default": "table"},
        "allow_different": {"type": "boolean", "default": False},
        "lower_is_better": {"type": "boolean", "default": False},
    },
}


def cmd_compare(args: argparse.Namespace) -> int:
    from harness.results._compare import compare_runs, format_comparison

    settings = settings_of(args.settings, COMPARE_SETTINGS, "metric=match alpha=0.05")
    comparison = compare_runs(
        args.base,
        args.new,
        settings.get("metric"),
        settings["alpha"],
        allow_different=settings["allow_different"],
        lower_is_better=settings["lower_is_better"],
    )
    print(format_comparison(comparison, settings["format"]))
    return 1 if settings["fail_on_regression"] and comparison.verdict == "worse" else 0


LEADERBOARD_SETTINGS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["out"],
    "properties": {"out": {"type": "string", "minLength": 1, "description": "directory to write into"}},
}


def cmd_leaderboard(args: argparse.Namespace) -> int:
    from harness.results._leaderboard import build

    paths = [a for a in args.inputs if "=" not in a]
    settings = settings_of([a for a in args.inputs if "=" in a], LEADERBOARD_SETTINGS, "out=site/")
    if not paths:
        raise HarnessError("usage: harness leaderboard RESULTS_OR_DIR... out=DIR")
    out, skipped = build(paths, settings["out"])
    for item in skipped:
        print(f"harness: skipped {item['path']}: {item['reason']}", file=sys.stderr)
    out = out.resolve()
    print(f"wrote {out / 'leaderboard.json'}, {out / 'leaderboard.md'} and {out / 'index.html'}")
    return 0


def settings_of(tokens: list[str], schema: dict[str, Any], example: str) -> dict[str, Any]:
    """A command's KEY=VALUE settings, typed and validated by `schema`, with its defaults filled in."""
    from harness.config._key_values import parse_key_values
    from harness.config._validation import validate

    values = {k: p["default"] for k, p in schema["properties"].items() if "default" in p}
    values.update(parse_key_values(tokens, schema, example=example).values)
    validate(values, schema)
    return values
