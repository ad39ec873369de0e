"""A YAML task's dataset: confined to the task file's directory, and read only as far as `limit=` goes."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from harness import ConfigError, load_yaml_task

TASK = """\
    name: rows
    dataset:
      path: {path}
      target: a{dataset_extra}
    prompt: "What is {{q}}?"
    """
ROWS = 100_000
BAD_ROW = 50_000


def _task(folder: Path, data_path: str, dataset_extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "task.yaml"
    path.write_text(textwrap.dedent(TASK.format(path=data_path, dataset_extra=dataset_extra)))
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """100k-row JSONL and CSV datasets whose row 50,000 is malformed: reading it at all fails."""
    root = tmp_path_factory.mktemp("big")
    lines = [json.dumps({"q": f"{i}+0", "a": str(i)}) for i in range(1, ROWS + 1)]
    lines[BAD_ROW - 1] = '{"q": oops'
    (root / "rows.jsonl").write_text("\n".join(lines) + "\n")
    csv_lines = ["q,a", *(f"{i}+0,{i}" for i in range(1, ROWS + 1))]
    csv_lines[BAD_ROW] = '"unterminated,1'
    (root / "rows.csv").write_text("\n".join(csv_lines) + "\n")
    return root


@pytest.mark.parametrize("name", ["rows.jsonl", "rows.csv"])
def test_a_limit_reads_only_the_rows_it_needs(big: Path, name: str):
    path = _task(big, name)
    five = load_yaml_task(path, limit=5)
    assert [s.target for s in five.dataset] == ["1", "2", "3", "4", "5"]
    window = load_yaml_task(path, limit=[2, 4])  # inspect's (start, stop): rows up to stop; inspect slices
    assert [s.id for s in window.dataset] == [1, 2, 3, 4]


def test_without_a_limit_the_whole_file_is_read(big: Path):
    with pytest.raises(ConfigError, match=rf"rows\.jsonl:{BAD_ROW}: invalid JSON line"):
        load_yaml_task(_task(big, "rows.jsonl"))  # the bad row far down is reached: everything was read


def test_a_shuffled_dataset_is_read_whole_before_the_limit(tmp_path: Path):
    (tmp_path / "rows.jsonl").write_text("".join(json.dumps({"q": str(i), "a": str(i)}) + "\n" for i in range(50)))
    path = _task(tmp_path, "rows.jsonl", "\n      shuffle: true")
    shuffled = load_yaml_task(path, limit=5)
    assert len(shuffled.dataset) == 50  # inspect takes the first 5 of the shuffled whole


def test_a_dataset_path_may_not_leave_the_task_files_directory(tmp_path: Path):
    (tmp_path / "secret.jsonl").write_text('{"q": "x", "a": "y"}\n')
    task = _task(tmp_path / "tasks", "../secret.jsonl")
    with pytest.raises(ConfigError, match=r"task\.yaml:3: dataset path '\.\./secret\.jsonl' leads outside .*absolute path"):
        load_yaml_task(task)
    (tmp_path / "tasks" / "link.jsonl").symlink_to(tmp_path / "secret.jsonl")
    with pytest.raises(ConfigError, match="leads outside"):
        load_yaml_task(_task(tmp_path / "tasks", "link.jsonl"))
    given = load_yaml_task(_task(tmp_path / "tasks", str(tmp_path / "secret.jsonl")))  # absolute: as given
    assert [s.target for s in given.dataset] == ["y"]
    (tmp_path / "tasks" / "data").mkdir()
    (tmp_path / "tasks" / "data" / "rows.jsonl").write_text('{"q": "x", "a": "z"}\n')
    inside = load_yaml_task(_task(tmp_path / "tasks", "data/../data/rows.jsonl"))
    assert [s.target for s in inside.dataset] == ["z"]
