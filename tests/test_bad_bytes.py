"""Hostile bytes in every file the harness reads: a clear error (exit 2, file:line), never a traceback."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_harness
from harness import ConfigError, HarnessError, load_run_config, load_yaml_task, read_record
from harness.run._eval_set import load_matrix

LATIN1 = "caf\xe9".encode("latin-1")
NEWLINE = b"\n"


def _task(tmp_path: Path, dataset_name: str, dataset: bytes) -> Path:
    (tmp_path / dataset_name).write_bytes(dataset)
    task = tmp_path / "task.yaml"
    task.write_text(f"name: t\ndataset: {{path: {dataset_name}, target: answer}}\nprompt: '{{question}}'\n")
    return task


@pytest.mark.parametrize(
    "make, line",
    [
        (lambda d: ["eval", "--config", str(_write(d / "run.yaml", b"task: arithmetic\nlimit: " + LATIN1 + b"\n"))], 2),
        (lambda d: ["eval-set", "--config", str(_write(d / "m.yaml", b"log_dir: x\nmodels: [" + LATIN1 + b"]\n"))], 2),
        (lambda d: ["eval", "task=" + str(_write(d / "t.yaml", b"name: " + LATIN1 + NEWLINE))], 1),
        (lambda d: ["eval", "task=" + str(_task(d, "d.jsonl", b"{}" + NEWLINE + b"{" + LATIN1 + b"}"))], 2),
        (lambda d: ["eval", "task=" + str(_task(d, "d.csv", b"question,answer" + NEWLINE + LATIN1 + b",1"))], 2),
    ],
    ids=["run-config", "matrix", "task-yaml", "jsonl-dataset", "csv-dataset"],
)
def test_bytes_that_are_not_utf8_are_named_by_file_line_and_offset(tmp_path: Path, make, line):
    command = make(tmp_path)
    extra = [] if command[0] == "eval-set" else ["model=mockllm/model", f"log_dir={tmp_path / 'logs'}"]
    result = run_harness(*command, *extra)
    assert result.returncode == 2, result.stderr
    assert f":{line}: " in result.stderr and "not valid utf-8 (byte 0xe9 at offset" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_dataset_encoding_can_be_declared(tmp_path: Path):
    task = _task(tmp_path, "d.csv", b"question,answer\n" + LATIN1 + b",1\n")
    task.write_text(task.read_text().replace("target: answer}", "target: answer, encoding: latin-1}"))
    assert [s.input for s in load_yaml_task(task).dataset] == ["café"]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["a: &a [" + ",".join(["x"] * width) + "]"]
    for level in range(1, levels):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * width) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("reader", ["run config", "matrix"])
def test_an_alias_bomb_stops_at_once_with_little_memory(tmp_path: Path, reader: str):
    path = tmp_path / "bomb.yaml"
    path.write_text(("task: arithmetic\n" if reader == "run config" else "log_dir: x\nmodels: [m]\ntasks: [t]\n") + _alias_bomb())
    tracemalloc.start()
    try:
        with pytest.raises(ConfigError, match="expands to more than"):
            load_run_config({}, path) if reader == "run config" else load_matrix(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20  # 9 levels × 9 aliases expand to 387 million values: never built


def test_model_args_on_the_command_line_reach_the_provider(tmp_path: Path):
    result = run_harness("eval", "task=capitals", "model=local/smollm2-135m", "model_args.bogus=1", "limit=1",
                         f"log_dir={tmp_path}")
    assert result.returncode == 2 and "got bogus" in result.stderr  # the provider saw it (it was dropped before)


# -- fuzzing: arbitrary bytes and arbitrary YAML give a valid object or a HarnessError -----------------

FUZZ = settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


def _readers(tmp_path: Path) -> dict[str, object]:
    def run_config(path: Path) -> object:
        return load_run_config({}, path)

    def task_file(path: Path) -> object:
        return load_yaml_task(path)

    def dataset(path: Path) -> object:
        task = tmp_path / "fuzz-task.yaml"
        task.write_text(f"name: f\ndataset: {{path: {path.name}, target: answer}}\nprompt: '{{question}}'\n")
        return load_yaml_task(task)

    return {"run config": run_config, "matrix": load_matrix, "task file": task_file, "dataset": dataset,
            "results record": read_record}


@pytest.mark.parametrize("reader", ["run config", "matrix", "task file", "dataset", "results record"])
@FUZZ
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_give_an_object_or_a_harness_error(tmp_path: Path, reader: str, data: bytes):
    path = tmp_path / ("fuzz.jsonl" if reader == "dataset" else "fuzz.yaml")
    path.write_bytes(data)
    try:
        _readers(tmp_path)[reader](path)
    except HarnessError:
        pass


@pytest.mark.parametrize("reader", ["run config", "matrix", "task file", "results record"])
@FUZZ
@given(document=yaml_values)
def test_arbitrary_yaml_gives_an_object_or_a_harness_error(tmp_path: Path, reader: str, document: object):
    path = tmp_path / "fuzz.yaml"
    text = json.dumps(document) if reader == "results record" else yaml.safe_dump(document)
    path.write_text(text)
    try:
        _readers(tmp_path)[reader](path)
    except HarnessError:
        pass
