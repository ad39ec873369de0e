"""Declarative command specs: a `Command` is data (help, examples, arguments, handler); `build` makes argparse of it."""

from __future__ import annotations

import argparse
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

Handler = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Arg:
    """One argparse argument: its names (`"--config"`, or a positional's name) and `add_argument` keywords."""

    names: tuple[str, ...]
    options: Mapping[str, Any] = field(default_factory=dict)


def arg(*names: str, **options: Any) -> Arg:
    """An `Arg`, written the way `add_argument` is called."""
    return Arg(names, options)


@dataclass(frozen=True)
class Command:
    """A `harness` subcommand as data.

    Attributes:
        name: What the user types (`eval`, `init` under `ci`).
        help: One line for the parent's command list.
        description: What the command does, at the top of its `--help`.
        examples: `(command line, what it does)` pairs printed under "examples:" in its `--help`.
        args: Its arguments.
        handler: Called with the parsed arguments; returns the exit code. None for a group of actions.
        notes: More help after the examples; a callable is called only when the help is printed.
        actions: Subcommands (`harness ci init`); the command then needs one of them.
        action_metavar: How the actions are named in the usage line.
        takes_keys: Settings are KEY=VALUE tokens (an unknown `--flag` is answered with the key=value form).
    """

    name: str
    help: str
    description: str
    examples: tuple[tuple[str, str], ...] = ()
    args: tuple[Arg, ...] = ()
    handler: Handler | None = None
    notes: str | Callable[[], str] = ""
    actions: tuple[Command, ...] = ()
    action_metavar: str = "ACTION"
    takes_keys: bool = False


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose epilog may be a callable, evaluated only when help is printed."""

    def format_help(self) -> str:
        if callable(self.epilog):
            self.epilog = self.epilog()
        return super().format_help()


def epilog(examples: tuple[tuple[str, str], ...], notes: str | Callable[[], str]) -> str | Callable[[], str]:
    """The "examples:" section followed by `notes` (kept lazy when `notes` is a callable)."""
    width = max((len(line) for line, _ in examples), default=0)
    lines = [f"  {line:<{width}}  {what}".rstrip() for line, what in examples]
    head = "examples:\n" + "\n".join(lines) + "\n" if lines else ""
    if callable(notes):
        return lambda: head + ("\n" if head else "") + notes()
    return head + ("\n" + notes if notes and head else notes)


def add_command(commands: argparse._SubParsersAction, command: Command, path: str = "harness") -> None:
    """Add `command` (and its actions, recursively) to a subparsers action."""
    parser = commands.add_parser(
        command.name,
        help=command.help,
        description=textwrap.fill(command.description, 100),
        epilog=epilog(command.examples, command.notes),  # type: ignore[arg-type]  # callable: see _Parser
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for argument in command.args:
        parser.add_argument(*argument.names, **argument.options)
    parser.set_defaults(handler=command.handler, takes_keys=command.takes_keys, command_path=f"{path} {command.name}")
    if command.actions:
        dest = f"{command.name.replace('-', '_')}_command"
        actions = parser.add_subparsers(dest=dest, metavar=command.action_metavar, required=True)
        for action in command.actions:
            add_command(actions, action, f"{path} {command.name}")


def new_parser(**options: Any) -> argparse.ArgumentParser:
    """The top-level parser class (lazy epilogs in subcommands too)."""
    return _Parser(formatter_class=argparse.RawDescriptionHelpFormatter, **options)
