"""The `harness` command line. Listing and help import no plugin and not inspect-ai."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Sequence

from harness._errors import HarnessError
from harness.plugins._kinds import COMPONENT_KINDS, PluginKind

_EPILOG_EVAL = """\
examples:
  harness eval task=arithmetic limit=5                  (default model: local/smollm2-135m)
  harness eval task=arithmetic model=mockllm/model limit=5
  harness eval task=tasks/capitals.yaml model=openai/gpt-4o-mini temperature=0
  harness eval task=my_task task.difficulty=hard scorer=includes scorer.ignore_case=false
  harness eval --config run.yaml limit=10       (key=value overrides the file)

Plugin parameters are set with task.PARAM=VALUE, solver.PARAM=..., scorer.PARAM=...,
simulator.PARAM=... and model_args.KEY=...; `harness info NAME` lists them.
Values are typed by the parameter's schema: 3, 0.5, true, [a, b] or a,b for lists.
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `harness` console script; returns the exit code."""
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        if getattr(args, "plugin_command", False):  # a plugin command's own options, --help included
            args.plugin_args = [*extra, *args.plugin_args]
        else:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.version:
        print(f"harness (plugeval) {_version()}")
        return 0
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    try:
        return int(args.handler(args) or 0)
    except HarnessError as ex:
        print(f"harness: error: {ex}", file=sys.stderr)
        return ex.exit_code
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("harness: interrupted; completed samples are kept in the inspect log", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harness",
        description="plugeval: a plugin-based evaluation harness for LLMs and LLM agents, on inspect-ai.",
        epilog="Run `harness COMMAND --help` for a command's options. Docs: docs/ in the repository.",
    )
    parser.add_argument("--version", action="store_true", help="print the plugeval version and exit")
    parser.add_argument(
        "-p",
        dest="plugin_flags",
        action="append",
        default=[],
        metavar="no:NAME",
        help="disable a plugin (name or dist/name) or a whole distribution; repeatable. "
        "HARNESS_DISABLE_PLUGINS=a,b does the same",
    )
    parser.set_defaults(handler=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser(
        "eval",
        help="run an evaluation",
        description="Run TASK on MODEL with inspect-ai and write results.json beside the inspect log.",
        epilog=_EPILOG_EVAL + "\nkeys:\n" + _run_keys_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="run settings (see keys below)")
    run.add_argument("--config", metavar="FILE", help="YAML file with the same keys; key=value arguments win")
    run.add_argument(
        "--resume",
        metavar="RUN_DIR",
        help="finish a killed or interrupted run: reuse its completed samples, run the rest, write its record "
        "(KEY=VALUE arguments override the saved settings, e.g. to give a redacted api key again)",
    )
    run.set_defaults(handler=_cmd_eval)

    listing = commands.add_parser(
        "list",
        help="list installed plugins",
        description="List installed plugins with distribution, version and summary, from metadata only.",
    )
    listing.add_argument(
        "kind", nargs="?", choices=[k.plural for k in PluginKind], help="only this kind (default: all)"
    )
    listing.add_argument(
        "--check", action="store_true", help="also import each plugin and report the ones that fail to load"
    )
    listing.add_argument(
        "--format",
        choices=["text", "json", "md"],
        default="text",
        help="text (default), json (for tools), or md (a plugin directory page, as in docs/plugins.md)",
    )
    listing.set_defaults(handler=_cmd_list)

    info = commands.add_parser(
        "info", help="show a plugin's parameters and docs", description="Show a plugin's parameters and docs."
    )
    info.add_argument("name", help="plugin name, dist/name, or a YAML task file")
    info.add_argument("--kind", choices=[k.value for k in COMPONENT_KINDS], help="kind, when a name is used by several")
    info.set_defaults(handler=_cmd_info)

    evalset = commands.add_parser(
        "eval-set",
        help="run tasks x models from a matrix file (resumable)",
        description="Run every task (and grid point) on every model with inspect's eval-set: retries, and "
        "re-running with the same log_dir resumes without redoing finished work. Writes a results record per "
        "run and log_dir/index.json.",
        epilog="matrix keys: see harness/schemas/matrix.schema.json. Example:\n"
        "  log_dir: runs/nightly\n  models: [mockllm/model, local/smollm2-135m]\n  limit: 20\n"
        "  tasks:\n    - arithmetic\n    - task: capitals\n      grid: {}\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    evalset.add_argument("--config", required=True, metavar="MATRIX", help="matrix YAML file")
    evalset.set_defaults(handler=_cmd_eval_set)

    ci = commands.add_parser("ci", help="set up leaderboard CI", description="Continuous-integration helpers.")
    ci_actions = ci.add_subparsers(dest="ci_command", metavar="ACTION", required=True)
    ci_init = ci_actions.add_parser(
        "init",
        help="write a GitHub Actions workflow",
        description="Write a GitHub Actions workflow that runs the eval set, uploads logs and results, builds "
        "the leaderboard, and on pull requests posts `harness compare` against the default branch and fails on "
        "a significant regression. Also writes an example matrix when there is none.",
    )
    ci_init.add_argument("--out", default=".github/workflows/plugeval.yml", help="workflow file")
    ci_init.add_argument("--matrix", default="eval-matrix.yaml", help="eval-set matrix the workflow runs")
    ci_init.add_argument(
        "--packages",
        help="pip install arguments (harness, plugins); default: plugeval with the extras the matrix needs",
    )
    ci_init.add_argument("--python", default="3.11", help="Python version")
    ci_init.add_argument(
        "--branch", help="default branch that pull requests compare against (default: the repository's own)"
    )
    ci_init.add_argument("--force", action="store_true", help="overwrite an existing workflow")
    ci_init.set_defaults(handler=_cmd_ci_init)

    new = commands.add_parser("new", help="scaffold a plugin package", description="Create new projects.")
    new_actions = new.add_subparsers(dest="new_command", metavar="WHAT", required=True)
    new_plugin = new_actions.add_parser(
        "plugin",
        help="scaffold plugeval-NAME/ with an example component, tests and a publish workflow",
        description="Write plugeval-NAME/: pyproject.toml with the entry point, src/harness_NAME/ with an example "
        "component, a conformance test (harness.testing), README, LICENSE and a trusted-publishing workflow.",
    )
    new_plugin.add_argument("name", help="plugin name (a Python name, e.g. my_task)")
    new_plugin.add_argument("settings", nargs="*", metavar="kind=task|scorer|solver|simulator")
    new_plugin.add_argument("--dir", default=".", help="where to create the package")
    new_plugin.set_defaults(handler=_cmd_new_plugin)

    compare = commands.add_parser(
        "compare",
        help="compare two runs with significance",
        description="Compare NEW against BASE (results.json files or run directories): both scores with CIs, "
        "the difference with its CI and p-value, and a verdict. Paired when the sample ids match.",
        epilog="keys:\n  metric=SCORER          scorer to compare (default: BASE's first)\n"
        "  alpha=0.05             significance level\n"
        "  fail_on_regression=true  exit 1 when NEW is significantly worse\n"
        "  format=table|md|json   output (md is ready for a pull-request comment)\n"
        "  allow_different=true   compare runs of different tasks or task parameters (refused by default)\n"
        "  lower_is_better=true   the metric improves downwards (e.g. attack success): a decrease is better\n\n"
        "Methods and references: harness/results/_compare.py.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    compare.add_argument("base", help="results.json or run directory of the baseline")
    compare.add_argument("new", help="results.json or run directory of the candidate")
    compare.add_argument("settings", nargs="*", metavar="KEY=VALUE")
    compare.set_defaults(handler=_cmd_compare)

    board = commands.add_parser(
        "leaderboard",
        help="build a leaderboard from results records",
        description="Validate results records (files or directories, searched recursively) and write "
        "leaderboard.json, leaderboard.md and a self-contained index.html into out=DIR. Bad files are named and "
        "skipped; the rest still build.",
    )
    board.add_argument("inputs", nargs="+", metavar="RESULTS_OR_DIR | out=DIR")
    board.set_defaults(handler=_cmd_leaderboard)

    from harness.sandbox._cli import add_sandbox_commands

    add_sandbox_commands(commands)
    from harness.cli._cache_command import add_cache_commands

    add_cache_commands(commands)
    _add_plugin_commands(commands)
    return parser


COMMANDS_GROUP = "harness.commands"
"""Entry point group for commands plugins add to `harness` (value: a `main(argv) -> int` callable)."""


def _add_plugin_commands(commands: argparse._SubParsersAction) -> None:
    # names only, from metadata: the plugin is imported when its command runs (or its --help is asked)
    from importlib.metadata import entry_points

    taken = set(commands.choices)
    for ep in entry_points(group=COMMANDS_GROUP):
        if ep.name in taken:
            continue
        taken.add(ep.name)
        dist = ep.dist.name if ep.dist else "a plugin"
        command = commands.add_parser(ep.name, help=f"(from {dist}; `harness {ep.name} --help`)", add_help=False)
        command.add_argument("plugin_args", nargs=argparse.REMAINDER)
        command.set_defaults(handler=_plugin_command(ep), plugin_command=True)


def _plugin_command(ep: Any):
    def run(args: argparse.Namespace) -> int:
        try:
            main = ep.load()
        except Exception as ex:  # a broken plugin: name it, as for other plugin kinds
            raise HarnessError(f"command '{ep.name}' ({ep.value}) failed to load: {type(ex).__name__}: {ex}") from ex
        return int(main(list(args.plugin_args)) or 0)

    return run


def _run_keys_help() -> str:
    from harness.config._run_config import run_schema

    lines = []
    for key, schema in run_schema()["properties"].items():
        lines.append(f"  {key:<16} {schema.get('description', '')}")
    return "\n".join(lines)


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


def _cmd_eval(args: argparse.Namespace) -> int:
    from harness.config._run_config import load_run_config, parse_overrides
    from harness.cli._output import print_outcome

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


def exit_code(status: str) -> int:
    """0 for a run that finished, 130 for one interrupted (Ctrl-C), 1 for one that ended in error."""
    return {"success": 0, "cancelled": 130}.get(status, 1)


def _cmd_list(args: argparse.Namespace) -> int:
    from harness.cli._output import print_listing

    registry = _registry(args)
    kind = PluginKind.from_plural(args.kind) if args.kind else None
    if args.format != "text":
        from harness.cli._directory import directory_markdown, listing_json, plugin_rows

        rows = plugin_rows(registry, kind)
        print(listing_json(rows) if args.format == "json" else directory_markdown(rows), end="")
        return 0
    return print_listing(registry, kind, check=args.check)


def _cmd_eval_set(args: argparse.Namespace) -> int:
    from harness.run._eval_set import load_matrix, run_eval_set

    matrix = load_matrix(args.config)
    outcome = run_eval_set(matrix, _registry(args))
    for run in outcome.runs:
        print(f"{run['status']:<10}{run['task']:<30}{run['model']:<30}{run['record'] or run.get('error') or '-'}")
    notes = {
        "cancelled": "  (interrupted; re-run to resume)",
        "error": "  (some tasks did not finish; re-run to resume)",
    }
    print(f"index: {outcome.index_path}" + notes.get(outcome.status, ""))
    return exit_code(outcome.status)


def _cmd_ci_init(args: argparse.Namespace) -> int:
    from harness.cli._ci_workflow import init_ci

    for path in init_ci(args.out, args.matrix, args.packages, args.python, args.branch, force=args.force):
        print(f"wrote {path}")
    return 0


_NEW_PLUGIN_SETTINGS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"kind": {"enum": ["task", "scorer", "solver", "simulator"], "default": "task"}},
}


def _cmd_new_plugin(args: argparse.Namespace) -> int:
    from harness.cli._scaffold import new_plugin

    settings = _settings(args.settings, _NEW_PLUGIN_SETTINGS, "kind=task")
    root = new_plugin(args.name, settings["kind"], args.dir)
    print(f"wrote {root}/ ({settings['kind']} plugin). Next: pip install -e '{root}[test]' && pytest {root}")
    return 0


_COMPARE_SETTINGS = {
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


def _cmd_compare(args: argparse.Namespace) -> int:
    from harness.results._compare import compare_runs, format_comparison

    settings = _settings(args.settings, _COMPARE_SETTINGS, "metric=match alpha=0.05")
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


_LEADERBOARD_SETTINGS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["out"],
    "properties": {"out": {"type": "string", "minLength": 1, "description": "directory to write into"}},
}


def _cmd_leaderboard(args: argparse.Namespace) -> int:
    from harness.results._leaderboard import build

    paths = [a for a in args.inputs if "=" not in a]
    settings = _settings([a for a in args.inputs if "=" in a], _LEADERBOARD_SETTINGS, "out=site/")
    if not paths:
        raise HarnessError("usage: harness leaderboard RESULTS_OR_DIR... out=DIR")
    out, skipped = build(paths, settings["out"])
    for item in skipped:
        print(f"harness: skipped {item['path']}: {item['reason']}", file=sys.stderr)
    print(f"wrote {out / 'leaderboard.json'}, {out / 'leaderboard.md'} and {out / 'index.html'}")
    return 0


def _settings(tokens: list[str], schema: dict[str, Any], example: str) -> dict[str, Any]:
    """A command's KEY=VALUE settings, typed and validated by `schema`, with its defaults filled in."""
    from harness.config._key_values import parse_key_values
    from harness.config._validation import validate

    values = {k: p["default"] for k, p in schema["properties"].items() if "default" in p}
    values.update(parse_key_values(tokens, schema, example=example).values)
    validate(values, schema)
    return values


def _cmd_info(args: argparse.Namespace) -> int:
    from harness.cli._output import print_info

    return print_info(_registry(args), args.name, args.kind)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("plugeval")
    except PackageNotFoundError:
        return "unknown (not installed)"
