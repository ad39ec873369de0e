"""Answers to options the `harness` commands do not have, for people used to `--model X` style flags."""

from __future__ import annotations

from typing import Sequence

from harness._errors import HarnessError

_ALIASES = {"tasks": "task", "models": "model", "config_file": "config", "log_dir": "log_dir", "logdir": "log_dir"}


def unknown_options_error(
    command_path: str, takes_keys: bool, extra: Sequence[str], argv: Sequence[str]
) -> HarnessError:
    """The one-line error for arguments a command does not take (argparse's `extra` from `parse_known_args`)."""
    flag = next((token for token in extra if token.startswith("--") and len(token) > 2), None)
    if flag is None:
        return HarnessError(f"{command_path}: unrecognized arguments: {' '.join(extra)}; see `{command_path} --help`")
    name, _, value = flag[2:].partition("=")
    key = _ALIASES.get(name.replace("-", "_"), name.replace("-", "_"))
    value = value or _value_after(flag, argv) or "VALUE"
    if command_path == "harness eval-set":
        return HarnessError(
            f"harness eval-set takes no --{name}: tasks, models and settings go in the matrix file "
            f"(`{name.replace('-', '_')}:`): harness eval-set --config MATRIX (see `harness eval-set --help`)"
        )
    if takes_keys:
        return HarnessError(
            f"{command_path} takes settings as key=value, not --flags: use {key}={value} instead of {flag}"
            + (f" {value}" if "=" not in flag and value != "VALUE" else "")
        )
    return HarnessError(f"{command_path}: unrecognized option {flag}; see `{command_path} --help`")


def _value_after(flag: str, argv: Sequence[str]) -> str | None:
    """The token after `flag` on the command line, when it looks like the flag's value."""
    tokens = list(argv)
    if flag in tokens:
        index = tokens.index(flag)
        if index + 1 < len(tokens) and not tokens[index + 1].startswith("-") and "=" not in tokens[index + 1]:
            return tokens[index + 1]
    return None
