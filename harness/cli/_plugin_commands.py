"""Commands that plugins add to `harness` (entry-point group `harness.commands`), from metadata only.

A command's entry point names a `main(argv: list[str]) -> int` callable. Listing and `--help` read
the entry points' names and distributions and import nothing; the plugin is imported when its
command runs (its own `--help` included). Two distributions that register the same command name
make that command an error naming both. Commands of the project's own plugins that are not
installed answer with the line that installs them.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any, Iterable

from harness._errors import HarnessError
from harness.plugins._known import KNOWN_PACKAGES

COMMANDS_GROUP = "harness.commands"
"""Entry point group for commands plugins add to `harness` (value: a `main(argv) -> int` callable)."""

FIRST_PARTY_COMMANDS: dict[str, tuple[str, str]] = {
    command: (package.dist, package.directory.removeprefix("plugins/"))
    for package in KNOWN_PACKAGES
    if package.directory
    for command in package.commands
}
"""Commands of the plugins in this repository's `plugins/`: name -> (distribution, directory under plugins/)."""


@dataclass(frozen=True)
class PluginCommand:
    """A `harness.commands` entry point, as metadata: its name, distribution and `module:function`."""

    name: str
    dist: str
    version: str
    value: str
    entry_point: Any

    @property
    def qualified_name(self) -> str:
        return f"{self.dist}/{self.name}"


def plugin_commands(disabled: Iterable[str] = ()) -> list[PluginCommand]:
    """Installed plugin commands, read from entry-point metadata (nothing imported), minus disabled ones.

    `disabled` holds names as `-p no:NAME` takes them: a command name, `dist/name` or a distribution.
    """
    from importlib.metadata import entry_points

    found = []
    for ep in entry_points(group=COMMANDS_GROUP):
        dist = ep.dist.name if ep.dist else "unknown"
        command = PluginCommand(ep.name, dist, ep.dist.version if ep.dist else "?", ep.value, ep)
        if not is_disabled(command, disabled):
            found.append(command)
    return sorted(found, key=lambda c: (c.name, c.dist))


def is_disabled(command: PluginCommand, disabled: Iterable[str]) -> bool:
    """Whether `-p no:NAME` names the command, its `dist/name` or its distribution."""
    return bool(set(disabled) & {command.name, command.qualified_name, command.dist})


def add_plugin_commands(commands: argparse._SubParsersAction, disabled: Iterable[str] = ()) -> None:
    """Add installed plugin commands, and first-party commands that are not installed, to the subparsers."""
    builtin = set(commands.choices)
    by_name: dict[str, list[PluginCommand]] = {}
    for command in plugin_commands(disabled):
        if command.dist not in [c.dist for c in by_name.get(command.name, [])]:
            by_name.setdefault(command.name, []).append(command)
    for name, found in by_name.items():
        if name in builtin:
            continue  # a built-in command cannot be replaced; `harness list commands` names the shadowed one
        if len(found) > 1:
            _add(commands, name, f"(clash: {' and '.join(c.dist for c in found)})", _fail(clash_message(found)))
        else:
            _add(commands, name, f"(from {found[0].dist}; `harness {name} --help`)", _runner(found[0]))
    off = {c.name: c for c in plugin_commands() if c.name not in {*by_name, *builtin} and is_disabled(c, disabled)}
    for name, command in off.items():
        _add(commands, name, f"(from {command.dist}; disabled)", _fail(disabled_message(command)))
    for name, (dist, directory) in FIRST_PARTY_COMMANDS.items():
        if name not in by_name and name not in off and name not in builtin:
            _add(commands, name, f"(needs {dist}: pip install -e plugins/{directory})", _fail(missing_message(name)))


def _add(commands: argparse._SubParsersAction, name: str, help: str, handler: Any) -> None:
    command = commands.add_parser(name, help=help, add_help=False)
    command.add_argument("plugin_args", nargs=argparse.REMAINDER)
    command.set_defaults(handler=handler, plugin_command=True, takes_keys=False, command_path=f"harness {name}")


def _runner(command: PluginCommand) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            main = command.entry_point.load()
        except Exception as ex:  # a broken plugin: name it, as for other plugin kinds
            raise HarnessError(
                f"command '{command.name}' ({command.value}) failed to load: {type(ex).__name__}: {ex}"
            ) from ex
        return int(main(list(args.plugin_args)) or 0)

    return run


def clash_message(found: list[PluginCommand]) -> str:
    """The error for a command name that several distributions register."""
    where = " and ".join(f"{c.dist} {c.version} ({c.value})" for c in found)
    return (
        f"command '{found[0].name}' is registered by {len(found)} distributions: {where}; "
        f"uninstall one, or disable one with -p no:{found[-1].dist}"
    )


def missing_message(name: str) -> str:
    """The error for a first-party plugin command whose plugin is not installed."""
    dist, directory = FIRST_PARTY_COMMANDS[name]
    return (
        f"`harness {name}` comes with the plugin {dist}, which is not installed; "
        f"from a clone of plugeval: pip install -e plugins/{directory}"
    )


def disabled_message(command: PluginCommand) -> str:
    """The error for a plugin command switched off with `-p no:NAME` or HARNESS_DISABLE_PLUGINS."""
    return (
        f"command '{command.name}' ({command.dist}) is disabled by -p no:NAME or HARNESS_DISABLE_PLUGINS; "
        f"drop that setting to use it"
    )


def _fail(message: str) -> Any:
    def run(args: argparse.Namespace) -> int:
        raise HarnessError(message)

    return run
