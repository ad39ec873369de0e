"""The examples in docs/ are extracted, installed and run, so the docs stay true."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO, pip_install, run_harness
from harness import load_yaml_task

_FILE_BLOCK = re.compile(r"<!-- file: (?P<path>\S+) -->\n```\w*\n(?P<body>.*?)```", re.DOTALL)


def extract(doc: str, into: Path) -> list[Path]:
    """Write every `<!-- file: PATH -->` code block of a docs page under `into`."""
    written = []
    for block in _FILE_BLOCK.finditer((REPO / "docs" / doc).read_text()):
        target = into / block["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block["body"])
        written.append(target)
    assert written, f"docs/{doc} has no file blocks"
    return written


def test_the_files_the_docs_show_are_the_files_in_examples():
    shown = {}
    for page in sorted((REPO / "docs").glob("*.md")):
        for block in _FILE_BLOCK.finditer(page.read_text()):
            if block["path"].startswith("examples/"):
                shown[block["path"]] = block["body"]
                assert (REPO / block["path"]).read_text() == block["body"], f"{page.name}: {block['path']} differs"
    assert {"examples/run.yaml", "examples/eval-matrix.yaml", "examples/inspect_tasks/mytask.py"} <= set(shown)
    assert "examples/plugeval-wordcount/harness_wordcount/cli.py" in shown


@pytest.mark.slow
def test_writing_a_plugin_example_installs_lists_and_runs(tmp_path: Path):
    extract("writing-a-plugin.md", tmp_path)
    site = tmp_path / "site"
    pip_install(["--target", str(site), str(tmp_path / "examples" / "plugeval-wordcount")])

    listing = run_harness("list", "tasks", site=site)
    assert re.search(r"wordcount\s+plugeval-wordcount 0\.1\.0\s+Count the words in a sentence\.", listing.stdout)
    info = run_harness("info", "wordcount", site=site)
    assert "task.limit_words  (integer; default 10)" in info.stdout

    result = run_harness(
        "eval", "task=wordcount", "task.limit_words=6", f"log_dir={tmp_path / 'logs'}", "display=none", site=site
    )
    assert result.returncode == 0, result.stderr
    (run_dir,) = (tmp_path / "logs").iterdir()
    record = json.loads((run_dir / "results.json").read_text())
    assert record["samples"]["total"] == 3  # the 7-word sentence is filtered out
    assert (run_dir / "wordcount-summary.txt").read_text().startswith("wordcount accuracy=0.0 n=3")

    other = run_harness(
        "eval", "task=arithmetic", "limit=1", f"log_dir={tmp_path / 'other'}", "display=none", site=site
    )
    assert other.returncode == 0, other.stderr
    (other_dir,) = (tmp_path / "other").iterdir()
    assert (other_dir / "results.json").is_file() and not (other_dir / "wordcount-summary.txt").exists()

    command = run_harness("wordcount", "the cat sat", "one,two", "sep=,", site=site)
    assert (command.returncode, command.stdout) == (0, "1 the cat sat\n2 one,two\n"), command.stderr
    bad = run_harness("wordcount", "a b", "seperator=,", site=site)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "seperator" in bad.stderr, bad.stderr

    import os
    import subprocess
    import sys

    script = subprocess.run(
        [sys.executable, str(tmp_path / "examples" / "plugeval-wordcount" / "run_wordcount.py"), str(tmp_path / "api")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(site)},
    )
    assert script.returncode == 0, script.stderr
    assert "plugins: ['plugeval-wordcount/wordcount'] args: {'limit_words': 6}" in script.stdout
    assert "exact_number/accuracy = 0.0 n=3" in script.stdout


def test_the_tutorial_hook_copes_with_a_run_without_metrics(tmp_path: Path):
    import sys

    extract("writing-a-plugin.md", tmp_path)
    sys.path.insert(0, str(tmp_path / "examples" / "plugeval-wordcount"))
    try:
        from harness_wordcount.hooks import harness_write_results

        record = {"task": {"name": "wordcount"}, "metrics": [], "status": "error"}
        path = harness_write_results(record=record, out_dir=tmp_path)
        assert path.read_text() == "wordcount no metrics (status error)\n"
        assert harness_write_results(record={**record, "task": {"name": "capitals"}}, out_dir=tmp_path / "x") is None
    finally:
        sys.path.remove(str(tmp_path / "examples" / "plugeval-wordcount"))
        sys.modules.pop("harness_wordcount.hooks", None)
        sys.modules.pop("harness_wordcount", None)


def test_yaml_task_example_builds(tmp_path: Path):
    extract("yaml-tasks.md", tmp_path)
    task = load_yaml_task(tmp_path / "examples" / "quiz" / "quiz.yaml")
    assert [s.input for s in task.dataset][0] == "Question (science): What gas do plants take in?"


def test_cli_config_example_runs_and_prints_absolute_paths(tmp_path: Path):
    extract("cli.md", tmp_path)
    result = run_harness(
        "eval", "--config", "examples/run.yaml", "limit=2", "log_dir=logs", "display=none", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(next((tmp_path / "logs").glob("*/results.json")).read_text())
    assert record["samples"]["total"] == 2 and record["params"]["scorer_args"] == {"location": "any"}
    printed = dict(
        line.split(": ", 1) for line in result.stdout.splitlines() if line.startswith(("results:", "inspect"))
    )
    assert printed["results"] == str(next((tmp_path / "logs").glob("*/results.json")))  # absolute, though log_dir=logs
    assert printed["inspect log"].startswith(str(tmp_path / "logs") + "/"), printed
    assert result.stdout.count(" 95% CI ") == 1  # one results panel


@pytest.mark.slow
def test_sandbox_example_runs_the_answer_in_docker(tmp_path: Path):
    from docker_support import require_docker
    from inspect_ai.log import read_eval_log

    require_docker()
    extract("sandboxes.md", tmp_path)
    site = tmp_path / "site"
    pip_install(["--target", str(site), str(tmp_path / "plugeval-shellquiz")])
    result = run_harness("eval", "task=shellquiz", f"log_dir={tmp_path / 'logs'}", "display=none", site=site)
    assert result.returncode == 0, result.stdout + result.stderr
    log = read_eval_log(str(next((tmp_path / "logs").glob("*/*.eval"))))
    explanations = [next(iter(s.scores.values())).explanation for s in log.samples]
    # mockllm's reply was run by sh inside the container: the shell's complaint proves it
    assert all("not found" in e and "exit 127" in e for e in explanations), explanations


def test_simulator_example_installs_and_answers(tmp_path: Path):
    import asyncio
    import sys

    extract("simulators.md", tmp_path)
    site = tmp_path / "site"
    pip_install(["--target", str(site), str(tmp_path / "examples" / "plugeval-terse-user")])
    listing = run_harness("list", "simulators", site=site)
    assert re.search(r"terse\s+plugeval-terse-user 0\.1\.0\s+Answers yes when", listing.stdout)
    info = run_harness("info", "terse", site=site)
    assert "simulator.max_turns  (integer; default 3)" in info.stdout

    sys.path.insert(0, str(site))
    try:
        from terse_user import terse

        from harness import Simulator, SimulatorContext, Turn

        user = terse(max_turns=2)
        assert isinstance(user, Simulator)
        context = SimulatorContext(hidden_info="Totals are rounded to cents.")
        assert asyncio.run(user.reply([Turn("agent", "Are totals rounded?")], context)).text == "Yes."
        assert asyncio.run(user.reply([Turn("agent", "Is there a database?")], context)).text == "No."
    finally:
        sys.path.remove(str(site))


def test_eval_matrix_example_runs(tmp_path: Path):
    extract("leaderboard-ci.md", tmp_path)
    result = run_harness("eval-set", "--config", "examples/eval-matrix.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    index = json.loads((tmp_path / "runs" / "nightly" / "index.json").read_text())
    assert sorted(r["task"] for r in index["runs"]) == ["arithmetic", "capitals"]
    # each run's scores, from its record, with their uncertainty; paths absolute
    for task in ("arithmetic", "capitals"):
        assert re.search(
            rf"success\s+{task} on mockllm/model\n  \S+ = 0\.000  95% CI \[0\.000, 0\.\d+\]"
            r" \(\w+\)  n=2\n  results: /",
            result.stdout,
        ), result.stdout
    assert f"index: {tmp_path / 'runs' / 'nightly' / 'index.json'}" in result.stdout
    board = run_harness("leaderboard", "runs", "out=site", cwd=tmp_path)
    assert board.returncode == 0 and (tmp_path / "site" / "index.html").exists()


def test_the_scale_out_examples_are_valid_configurations(tmp_path: Path):
    from harness.config._run_config import load_run_config
    from harness.run._eval_set import load_matrix

    written = {path.name: path for path in extract("scale-out.md", tmp_path)}
    config = load_run_config({}, written["cluster-run.yaml"])
    assert config.options["executor"] == "ray" and config.options["ray"]["address"] == "head:6379"
    matrix = load_matrix(written["ray-matrix.yaml"])
    assert matrix["executor"] == "ray" and matrix["max_tasks"] == 8
