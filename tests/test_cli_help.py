"""The `harness` parser: declared as data, every command explains itself, and --flags get the key=value answer."""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from harness.cli._main import _parser, main


def test_no_function_in_the_cli_is_over_60_lines():
    long = []
    for path in sorted((REPO / "harness" / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1  # type: ignore[operator]
                if lines > 60:
                    long.append(f"{path.name}:{node.name} ({lines} lines)")
    assert not long, long


def _subcommands(parser: argparse.ArgumentParser, path: str = "harness"):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield f"{path} {name}", child
                yield from _subcommands(child, f"{path} {name}")


def test_every_built_in_command_explains_itself_with_examples():
    commands = {path: parser for path, parser in _subcommands(_parser()) if parser.add_help}  # plugins' own --help
    # sandbox's actions belong to the sandbox package; its group's help carries their examples
    checked = {p: c for p, c in commands.items() if not p.startswith("harness sandbox ")}
    assert {"harness eval", "harness eval-set", "harness ci init", "harness new plugin", "harness cache clear"} <= set(
        checked
    )
    for path, parser in checked.items():
        text = parser.format_help()
        assert parser.description, path
        assert "examples:\n  harness " in text, f"{path} --help has no examples:\n{text}"
        examples = text.split("examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
        assert all(line.startswith(f"  {path}") for line in examples), (path, examples)
    top = _parser().format_help()
    assert "examples:\n  harness eval task=arithmetic model=mockllm/model" in top and "key=value" in top.lower()


def test_help_of_every_command_imports_no_plugin_and_not_inspect():
    commands = [path.split()[1:] for path, parser in _subcommands(_parser()) if parser.add_help]
    probe = (
        "import sys\n"
        "from harness.cli._main import main\n"
        f"for command in {[*commands, []]!r}:\n"
        "    try:\n"
        "        main([*command, '--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "main(['list'])\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'inspect_ai', 'harness_metric_induction',\n"
        "    'harness_decepticon', 'harness_lm_eval', 'harness_ambig_swe', 'harness_cooperbench'})\n"
        "print('LOADED', loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert "LOADED []" in result.stdout, (result.stdout[-800:], result.stderr[-800:])
    assert result.stdout.count("examples:") >= len(commands) - 3  # sandbox's actions excepted


@pytest.mark.parametrize(
    ("argv", "answer"),
    [
        (["eval", "--model", "mockllm/model", "task=arithmetic"], "use model=mockllm/model instead of --model"),
        (["eval", "--task=arithmetic"], "use task=arithmetic instead of --task=arithmetic"),
        (["eval", "task=arithmetic", "--limit", "5"], "use limit=5 instead of --limit 5"),
        (["eval", "--tasks", "capitals"], "use task=capitals instead of --tasks capitals"),
        (["eval", "--max-samples", "4"], "use max_samples=4"),
        (["compare", "a", "b", "--format", "md"], "use format=md"),
        (["eval-set", "--tasks", "arithmetic"], "go in the matrix file (`tasks:`)"),
        (["list", "--verbose"], "unrecognized option --verbose; see `harness list --help`"),
        (["eval-set"], "harness eval-set needs a matrix file: harness eval-set --config MATRIX"),
    ],
)
def test_flags_are_answered_with_the_key_value_form(argv, answer, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("harness: error: ") and answer in err and err.count("\n") == 1, err


def test_a_disabled_plugin_command_says_so(capsys):
    assert main(["-p", "no:induce", "induce"]) == 2
    err = capsys.readouterr().err
    # installed and disabled, or not installed: either way one line naming what to do
    assert "is disabled by -p no:NAME" in err or "pip install -e plugins/metric_induction" in err, err


def test_the_built_in_names_known_to_the_listing_are_the_parsers():
    from harness.cli._output import BUILT_IN_NAMES

    assert BUILT_IN_NAMES == {path.split()[1] for path, parser in _subcommands(_parser()) if parser.add_help}


def test_the_eval_help_lists_every_run_key():
    from harness.config._run_config import run_schema

    text = _parser()._subparsers._group_actions[0].choices["eval"].format_help()  # type: ignore[union-attr]
    for key in run_schema()["properties"]:
        assert f"\n  {key} " in text, key
    assert Path(REPO / "examples" / "run.yaml").is_file()  # the file its example names
