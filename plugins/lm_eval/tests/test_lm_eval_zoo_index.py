"""The on-disk index of lm-eval's task zoo: keyed so it cannot be stale, never an error, and used so that
a typo or a zoo task needs no index of the whole zoo. A small directory stands in for the zoo here."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import ConfigError
from harness_lm_eval import _loading
from harness_lm_eval._zoo_index import (
    ZooIndex,
    cache_file,
    cache_key,
    cached_index,
    files_fingerprint,
    index_of,
    read_index,
    write_index,
)
from lm_eval.tasks import TaskManager
from lm_eval_support import write_tasks


@pytest.fixture
def zoo(tmp_path: Path) -> Path:
    """A stand-in for lm-eval's tasks directory: tasks and groups in `math/`, one more task in `other/`."""
    root = tmp_path / "zoo"
    write_tasks(root / "math")
    (root / "other").mkdir()
    (root / "other" / "_template").write_text((root / "math" / "tiny_arc.yaml").read_text())
    (root / "other" / "tiny_arc_again.yaml").write_text("include: _template\ntask: tiny_arc_again\n")
    return root


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def fake_zoo(zoo: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[Any, bool]]]:
    """The plugin's loader with `zoo` as lm-eval's own tasks; yields the `task_manager` calls it makes."""
    calls: list[tuple[Any, bool]] = []

    def task_manager(include_path: str | None = None, include_defaults: bool = True) -> Any:
        calls.append((include_path, include_defaults))
        paths = ([str(zoo)] if include_defaults else []) + ([include_path] if include_path else [])
        return TaskManager(include_path=paths, include_defaults=False)

    monkeypatch.setattr(_loading, "task_manager", task_manager)
    monkeypatch.setattr(_loading, "tasks_directory", lambda: zoo)
    _loading.zoo_index.cache_clear()
    yield calls
    _loading.zoo_index.cache_clear()  # no stand-in left for the tests after this one


def _whole_zoo(calls: list[tuple[Any, bool]]) -> bool:
    return any(include_defaults for _path, include_defaults in calls)


def _description(tasks: dict[str, Any]) -> dict[str, Any]:
    """What a loaded task is made of: its whole config (its YAML file's path included) and documents."""
    return {name: (task.dump_config(), list(task.eval_docs)) for name, task in tasks.items()}


def test_index_holds_every_name_and_each_tasks_file_and_round_trips(zoo: Path, cache: Path) -> None:
    index = index_of(TaskManager(include_path=str(zoo), include_defaults=False), zoo)
    assert {"tiny_gsm", "tiny_arc", "tiny_arc_again", "tiny_math", "tiny_math_macro"} <= index.names
    assert index.task_files["tiny_gsm"] == "math/tiny_gsm.yaml"
    assert index.task_files["tiny_arc_again"] == "other/tiny_arc_again.yaml"
    assert "tiny_math" not in index.task_files  # a group: its members may live anywhere

    path, key = cache_file(zoo), cache_key(zoo)
    assert path.parent == cache / "lm_eval"
    write_index(path, key, index)
    assert read_index(path, key) == index
    stored = json.loads(path.read_text())
    assert stored["key"]["lm_eval"] == key["lm_eval"] and stored["key"]["tasks_directory"] == str(zoo)
    assert not [p for p in path.parent.iterdir() if p != path]  # no temporary file left behind


def test_an_index_of_another_lm_eval_or_other_files_is_ignored(zoo: Path, cache: Path) -> None:
    path, key = cache_file(zoo), cache_key(zoo)
    write_index(path, {**key, "lm_eval": "0.4.0"}, ZooIndex(frozenset({"old"}), {}))
    assert read_index(path, key) is None
    write_index(path, {**key, "tasks_directory": "/elsewhere"}, ZooIndex(frozenset({"old"}), {}))
    assert read_index(path, key) is None
    write_index(path, key, ZooIndex(frozenset({"current"}), {}))
    assert read_index(path, key) == ZooIndex(frozenset({"current"}), {})


def test_the_key_changes_with_any_file_of_the_zoo_but_not_with_bytecode(zoo: Path) -> None:
    before = files_fingerprint(zoo)
    assert files_fingerprint(zoo) == before
    (zoo / "math" / "__pycache__").mkdir()
    (zoo / "math" / "__pycache__" / "utils.cpython-311.pyc").write_bytes(b"\0")
    assert files_fingerprint(zoo) == before

    template = zoo / "other" / "_template"  # an included file without a .yaml name counts too
    stat = template.stat()
    template.write_text(template.read_text().replace("tiny_arc", "tiny_arx"))  # same size
    os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    edited = files_fingerprint(zoo)
    assert edited != before
    (zoo / "other" / "new.yaml").write_text("task: new\n")
    assert files_fingerprint(zoo) != edited


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong shape", "not a file"])
def test_a_damaged_cache_is_rebuilt_and_rewritten(zoo: Path, cache: Path, damage: str) -> None:
    builds: list[int] = []

    def build() -> Any:
        builds.append(1)
        return TaskManager(include_path=str(zoo), include_defaults=False)

    path, key = cache_file(zoo), cache_key(zoo)
    good = cached_index(zoo, build)
    assert len(builds) == 1 and read_index(path, key) == good
    text = path.read_text()
    path.unlink()
    if damage == "garbage":
        path.write_bytes(b"\xff\x00{not json")
    elif damage == "truncated":
        path.write_text(text[: len(text) // 2])
    elif damage == "wrong shape":
        path.write_text(json.dumps({"key": key, "names": {"tiny_gsm": 1}, "task_files": []}))
    else:
        path.mkdir()
    assert cached_index(zoo, build) == good and len(builds) == 2
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind
    if damage != "not a file":  # a directory in the way: not written, and still no error
        assert read_index(path, key) == good
        assert cached_index(zoo, build) == good and len(builds) == 2  # rewritten: the next process reads it


def test_an_unwritable_cache_is_no_error(zoo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a_file").write_text("")
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "a_file"))  # its lm_eval/ cannot be made
    index = cached_index(zoo, lambda: TaskManager(include_path=str(zoo), include_defaults=False))
    assert "tiny_gsm" in index.names


def test_concurrent_writers_and_readers_see_whole_files(zoo: Path, cache: Path) -> None:
    path, key = cache_file(zoo), cache_key(zoo)
    indexes = [ZooIndex(frozenset(f"task_{i}_{j}" for j in range(2000)), {f"task_{i}_0": "a/b.yaml"}) for i in range(4)]
    seen: list[ZooIndex | None] = []

    def write(index: ZooIndex) -> None:
        for _ in range(10):
            write_index(path, key, index)

    def read() -> None:
        for _ in range(40):
            seen.append(read_index(path, key))

    write_index(path, key, indexes[0])
    threads = [threading.Thread(target=write, args=(i,)) for i in indexes] + [threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen and all(index in indexes for index in seen)
    assert read_index(path, key) in indexes
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_unknown_name_is_suggested_from_the_cache_without_indexing_the_zoo(
    fake_zoo: list[tuple[Any, bool]], zoo: Path, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError) as cold:
        _loading.load_tasks("tiny_gsn")
    assert _whole_zoo(fake_zoo)  # the first process indexes the zoo and writes the cache
    message = str(cold.value)
    whole = TaskManager(include_path=str(zoo), include_defaults=False).all_tasks
    assert message == _loading._unknown_name_message("tiny_gsn", whole)
    assert "did you mean tiny_gsm" in message

    _loading.zoo_index.cache_clear()  # a new process
    fake_zoo.clear()
    with pytest.raises(ConfigError) as warm:
        _loading.load_tasks("tiny_gsn")
    assert str(warm.value) == message and fake_zoo == []

    # with an include path: close names from both, as lm-eval's index over both would give them
    mine = tmp_path / "mine"
    mine.mkdir()
    task = (zoo / "math" / "tiny_gsm.yaml").read_text().replace("task: tiny_gsm", "task: tiny_gsn_x")
    (mine / "tiny_gsn_x.yaml").write_text(task)
    with pytest.raises(ConfigError) as both:
        _loading.load_tasks("tiny_gsn", include_path=str(mine))
    assert not _whole_zoo(fake_zoo)
    whole = TaskManager(include_path=[str(zoo), str(mine)], include_defaults=False).all_tasks
    assert str(both.value) == _loading._unknown_name_message("tiny_gsn", whole)
    assert "tiny_gsn_x" in str(both.value) and "tiny_gsm" in str(both.value)


def test_a_zoo_task_loads_from_its_own_directory_as_from_the_whole_zoo(
    fake_zoo: list[tuple[Any, bool]], zoo: Path
) -> None:
    whole = TaskManager(include_path=str(zoo), include_defaults=False)
    expected = {}
    for name in ("tiny_gsm", "tiny_arc_again"):
        tasks = whole.load([name])["tasks"]
        for task in tasks.values():
            _loading._configure(task, None, _loading.DEFAULT_FEWSHOT_SEED)
        expected[name] = _description(tasks)
    _loading.zoo_index()  # the cache, written once
    fake_zoo.clear()
    for name in ("tiny_gsm", "tiny_arc_again"):
        loaded = _loading.load_tasks(name)
        assert _description(loaded.tasks) == expected[name]
        assert loaded.tasks[name].config.metadata["config_source"] == str(zoo / _loading.zoo_index().task_files[name])
    assert fake_zoo == [(str(zoo / "math"), False), (str(zoo / "other"), False)]  # never the whole zoo

    # a group (members may live in other directories): the whole zoo, as before
    group = _loading.load_tasks("tiny_math")
    assert set(group.tasks) == {"tiny_gsm", "tiny_gsm_b"} and set(group.groups) == {"tiny_math"}
    assert fake_zoo[-1] == (None, True)


def test_a_stale_entry_falls_back_to_the_whole_zoo(fake_zoo: list[tuple[Any, bool]], zoo: Path) -> None:
    # an index naming a file that no longer holds the task (as if the cache were stale): the whole zoo decides
    stale = ZooIndex(frozenset({"tiny_gsm"}), {"tiny_gsm": "other/tiny_arc_again.yaml"})
    assert _loading._load_zoo_task("tiny_gsm", stale) is None
    assert fake_zoo == [(str(zoo / "other"), False)]
