"""The `harness` command line. Listing and help import no plugin and not inspect-ai."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from harness._errors import HarnessError
from harness.results._redact import redact_text
from harness.cli._commands import BUILT_IN
from harness.cli._handlers import exit_code
from harness.cli._plugin_commands import COMMANDS_GROUP, add_plugin_commands
from harness.cli._spec import add_command, epilog, new_parser

__all__ = ["COMMANDS_GROUP", "exit_code", "main"]

_EXAMPLES = (
    ("harness eval task=arithmetic model=mockllm/model limit=5", "a first run: no key, no network"),
    ("harness eval task=arithmetic limit=5", "the default model, local/smollm2-135m on the CPU"),
    ("harness list", "installed plugins"),
    ("harness info arithmetic", "a plugin's parameters"),
    ("harness eval-set --config examples/eval-matrix.yaml", "tasks x models from a matrix file"),
)
_NOTES = (
    "Settings are KEY=VALUE (model=X, task=T), not --flags. Run `harness COMMAND --help` for a command's\n"
    "options and examples. Plugins add commands through the entry-point group harness.commands.\n"
    "Docs: README.md and docs/ in the repository."
)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `harness` console script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(_early_disabled(argv))
    args, extra = parser.parse_known_args(argv)
    try:
        if extra and getattr(args, "plugin_command", False):  # a plugin command's own options, --help included
            args.plugin_args = [*extra, *args.plugin_args]
        elif extra:
            from harness.cli._hints import unknown_options_error

            path = getattr(args, "command_path", "harness")
            raise unknown_options_error(path, getattr(args, "takes_keys", False), extra, argv)
        if args.version:
            print(f"harness (plugeval) {_version()}")
            return 0
        if args.handler is None:
            parser.print_help()
            return 0
        return int(args.handler(args) or 0)
    except HarnessError as ex:
        print(f"harness: error: {redact_text(str(ex))}", file=sys.stderr)
        return ex.exit_code
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("harness: interrupted; completed samples are kept in the inspect log", file=sys.stderr)
        return 130


def _parser(disabled: Sequence[str] = ()) -> argparse.ArgumentParser:
    parser = new_parser(
        prog="harness",
        description="plugeval: a plugin-based evaluation harness for LLMs and LLM agents, on inspect-ai.",
        epilog=epilog(_EXAMPLES, _NOTES),
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
    for command in BUILT_IN:
        add_command(commands, command)

    from harness.cli._cache_command import CACHE
    from harness.sandbox._cli import add_sandbox_commands

    add_sandbox_commands(commands)
    add_command(commands, CACHE)
    add_plugin_commands(commands, disabled)
    return parser


def _early_disabled(argv: Sequence[str]) -> list[str]:
    """Plugins disabled by `-p no:NAME` before the command, and by HARNESS_DISABLE_PLUGINS (for plugin commands)."""
    names = [n.strip() for n in os.environ.get("HARNESS_DISABLE_PLUGINS", "").split(",") if n.strip()]
    tokens = iter(argv)
    for token in tokens:
        flag = next(tokens, "") if token == "-p" else token[2:] if token.startswith("-p") else None
        if flag is None and not token.startswith("-"):
            break  # the command: what follows is its own
        if flag and flag.startswith("no:"):
            names.append(flag[3:])
    return names


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("plugeval")
    except PackageNotFoundError:
        return "unknown (not installed)"
