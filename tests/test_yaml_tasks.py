"""Declarative YAML tasks: validation errors with file and line, and runs by name or path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import REPO, run_harness
from harness import ConfigError, load_yaml_task
from harness.declarative._task_file import read_task_file


def write(tmp_path: Path, text: str, data: str | None = '{"q": "2+2", "a": "4"}\n') -> Path:
    if data is not None:
        (tmp_path / "rows.jsonl").write_text(data)
    path = tmp_path / "task.yaml"
    path.write_text(textwrap.dedent(text))
    return path


VALID = """\
    name: tiny
    dataset:
      path: rows.jsonl
      target: a
    prompt: "What is {q}?"
    """


@pytest.mark.parametrize("shipped", sorted((REPO / "tasks").glob("*.yaml")))
def test_shipped_tasks_are_valid_and_build(shipped: Path):
    task = load_yaml_task(shipped)
    assert len(task.dataset) >= 10


def test_valid_file_builds_samples(tmp_path: Path):
    task = load_yaml_task(write(tmp_path, VALID))
    (sample,) = task.dataset
    assert sample.input == "What is 2+2?" and sample.target == "4"


@pytest.mark.parametrize(
    "text, message",
    [
        (
            VALID.replace("    target: a", "    target: a\n      format: csv"),
            r"task\.yaml:5: unknown key 'dataset\.format'; valid keys: encoding, hf, id, metadata, name, path, revision, shuffle, split, target",
        ),
        (
            VALID.replace("name: tiny", "name: tiny\n    promt: x"),
            r"task\.yaml:2: unknown key 'promt' \(did you mean 'prompt'\?\)",
        ),
        (VALID.replace('prompt: "What is {q}?"', "prompt: 3"), r"task\.yaml:5: 'prompt' must be a string, got 3"),
        (VALID.replace("      target: a\n", ""), r"task\.yaml:2: missing required key 'dataset.target'"),
        (VALID.replace("{q}", "{q!x"), r"task\.yaml:5: prompt template is malformed"),
        (VALID.replace("{q}", "{q.x}"), r"task\.yaml:5: prompt field '\{q\.x\}' is not a plain field name"),
        (
            VALID.replace("path: rows.jsonl", "path: missing.jsonl"),
            r"task\.yaml:3: dataset file .*missing\.jsonl' does not exist",
        ),
        (VALID.replace("{q}", "{question}"), r"task\.yaml:2: row 1 has no field 'question' \(its fields: q, a\)"),
        (
            VALID + "scorer: {name: match, args: {locaton: end}}\n",
            r"task\.yaml:6: unknown key 'scorer\.args\.locaton' \(did you mean 'scorer\.args\.location'\?\)",
        ),
        (VALID + "scorer: nosuchscorer\n", r"task\.yaml:6: unknown scorer 'nosuchscorer'"),
    ],
)
def test_bad_task_files_name_file_line_and_field(tmp_path: Path, text: str, message: str):
    with pytest.raises(ConfigError, match=message):
        load_yaml_task(write(tmp_path, text))


def test_malformed_dataset_line_names_the_line(tmp_path: Path):
    path = write(tmp_path, VALID, data='{"q": "1", "a": "1"}\n{"q": oops}\n')
    with pytest.raises(ConfigError, match=r"rows\.jsonl:2: invalid JSON line"):
        load_yaml_task(path)


@pytest.mark.slow
def test_run_by_path_and_listed_by_name(tmp_path: Path):
    path = write(tmp_path, VALID)
    result = run_harness("eval", f"task={path}", f"log_dir={tmp_path / 'logs'}", "display=none")
    assert result.returncode == 0, result.stderr
    assert "run " in result.stdout and "tiny on mockllm/model" in result.stdout
    listing = run_harness("list", "tasks")
    for name in ("arithmetic", "capitals", "sentiment"):
        assert f"  {name} " in listing.stdout


@pytest.mark.slow
def test_cli_reports_bad_task_file_with_exit_2(tmp_path: Path):
    path = write(tmp_path, VALID.replace("target: a", "target: [a]"))
    result = run_harness("eval", f"task={path}")
    assert result.returncode == 2
    assert "task.yaml:4: 'dataset.target' must be a string" in result.stderr


def test_read_task_file_gives_the_document(tmp_path: Path):
    assert read_task_file(write(tmp_path, VALID)).data["name"] == "tiny"
