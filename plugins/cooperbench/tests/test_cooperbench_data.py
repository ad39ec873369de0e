"""Dataset loading, pair selection, sources and bad input (no Docker needed)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from cooperbench_support import full_layout

from harness import ConfigError
from harness_cooperbench import load_dataset, resolve_sources, select_pairs, shipped_dataset
from harness_cooperbench._selection import all_pairs


def test_the_shipped_dataset_has_three_tasks_and_147_pairs():
    dataset = load_dataset(shipped_dataset())
    assert sorted(dataset.tasks) == [
        "pallets_click_task/task2068",
        "pallets_jinja_task/task1465",
        "samuelcolvin_dirty_equals_task/task43",
    ]
    click = dataset.tasks["pallets_click_task/task2068"]
    assert (click.github, click.base_commit) == ("pallets/click", "d791537317947448a3960662d00acf160eff2602")
    assert [f.number for f in click.features] == list(range(1, 13))
    assert "click.edit" in click.feature(1).description
    pairs = select_pairs(dataset).pairs
    assert len(pairs) == 66 + 45 + 36
    assert pairs[0].id == "pallets_click_task/2068/f1_f2"
    assert pairs[-1].id == "samuelcolvin_dirty_equals_task/43/f8_f9"


def test_the_whole_released_layout_loads_652_pairs_and_its_subsets(tmp_path: Path):
    dataset = load_dataset(full_layout(tmp_path / "dataset"))
    assert len(dataset.tasks) == 30
    assert sum(len(t.features) for t in dataset.tasks.values()) == 199
    assert len(all_pairs(dataset)) == 652
    report = json.loads((tmp_path / "dataset" / "gold_conflict_report.json").read_text())
    assert {(r["repo"], r["task_id"], r["f1"], r["f2"]) for r in report["all_results"]} == {
        (p.task.repo_dir, p.task.task_id, p.i, p.j) for p in all_pairs(dataset)
    }
    assert len(select_pairs(dataset, "flash").pairs) == 50
    lite = select_pairs(dataset, "lite")
    assert len(lite.pairs) == 100 and lite.absent == []


def test_a_missing_source_is_reported_per_task_with_the_fix(tmp_path: Path):
    dataset = load_dataset(full_layout(tmp_path / "dataset"))
    tasks = list(dataset.tasks.values())
    resolved = resolve_sources(tasks, None, {t.github for t in tasks})
    assert sorted(resolved.repositories) == [
        "pallets_click_task/task2068",
        "pallets_jinja_task/task1465",
        "samuelcolvin_dirty_equals_task/task43",
    ]
    assert len(resolved.missing) == 27
    chi = next(line for line in resolved.missing if line.startswith("go_chi_task/task26:"))
    assert "no source for go-chi/chi at 9436cc85db0d" in chi and 'task.repos=\'{"go-chi/chi": ' in chi
    # click's other two tasks: the shipped source lacks their commits, so they are reported too
    assert any(line.startswith("pallets_click_task/task2800:") for line in resolved.missing)


def test_filters_by_subset_task_and_pair():
    dataset = load_dataset(shipped_dataset())
    flash = select_pairs(dataset, "flash")
    assert [p.id for p in flash.pairs][:3] == [
        "pallets_click_task/2068/f1_f6",
        "pallets_click_task/2068/f2_f10",
        "pallets_click_task/2068/f5_f7",
    ]
    assert len(flash.pairs) == 10 and len(flash.absent) == 17
    assert all("not in" in line for line in flash.absent)
    jinja = select_pairs(dataset, "all", tasks=["pallets_jinja_task/1465"]).pairs
    assert len(jinja) == 45
    picked = select_pairs(dataset, "all", pairs=["pallets_click_task/2068/f3_f1", "pallets_jinja_task/task1465/f2_f3"])
    assert [p.id for p in picked.pairs] == ["pallets_click_task/2068/f1_f3", "pallets_jinja_task/1465/f2_f3"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"pairs": ["pallets_click_task/2068/f1_f13"]},
            r"feature 13 is out of range \(pallets_click_task/task2068 has features 1\.\.12\)",
        ),
        ({"pairs": ["pallets_click_task/2068/f2_f2"]}, "two different features"),
        ({"pairs": ["click/2068/1-3"]}, "is not <repo>_task/<task_id>/f<i>_f<j>"),
        (
            {"tasks": ["pallets_click_task/9999"]},
            "unknown task pallets_click_task/9999; pallets_click_task has pallets_click_task/2068",
        ),
        ({"subset": "nope"}, "subset 'nope': .*not found"),
        ({"subset": "flash", "pairs": ["pallets_click_task/2068/f1_f2"]}, "not among the selected pairs"),
    ],
)
def test_bad_selections_are_one_line_config_errors(kwargs, message):
    dataset = load_dataset(shipped_dataset())
    with pytest.raises(ConfigError, match=message) as caught:
        select_pairs(dataset, **kwargs)
    assert "\n" not in str(caught.value)


def _copy_shipped(tmp_path: Path) -> Path:
    root = tmp_path / "dataset"
    shutil.copytree(shipped_dataset(), root)
    return root


def test_a_missing_feature_patch_names_the_file(tmp_path: Path):
    root = _copy_shipped(tmp_path)
    (root / "pallets_jinja_task/task1465/feature4/feature.patch").unlink()
    with pytest.raises(ConfigError, match=r"pallets_jinja_task/task1465/feature4 has no feature.patch"):
        load_dataset(root)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", r"not JSON \(.* at line 1\)"),
        ('{"tasks": [{"repo": "pallets_click_task", "pairs": [[1, 2]]}]}', r"tasks\.0\.task_id: Field required"),
        ('{"tasks": [{"repo": "pallets_click_task", "task_id": 2068, "pairs": [[1]]}]}', r"tasks\.0\.pairs\.0"),
        (
            '{"tasks": [{"repo": "pallets_click_task", "task_id": 2068, "pairs": [[1, 40]]}]}',
            r"pair \[1, 40\]: feature 40 is out of range",
        ),
    ],
)
def test_a_malformed_subset_file_is_a_config_error(tmp_path: Path, content: str, message: str):
    root = _copy_shipped(tmp_path)
    (root / "subsets" / "broken.json").write_text(content)
    with pytest.raises(ConfigError, match=message):
        select_pairs(load_dataset(root), "broken")


def _source_archive(tmp_path: Path, name: str) -> Path:
    from harness_cooperbench._sources import shipped_sources

    return shipped_sources()[name]


def test_sources_may_be_a_clone_a_bare_repository_or_an_archive(tmp_path: Path):
    dataset = load_dataset(shipped_dataset())
    click = dataset.tasks["pallets_click_task/task2068"]
    archive = _source_archive(tmp_path, "pallets/click")
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "extracted", filter="data")
    clone = tmp_path / "extracted" / "click"
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(clone), str(bare)], check=True)
    subprocess.run(["git", "-C", str(bare), "fetch", "-q", str(clone), "refs/tags/*:refs/tags/*"], check=True)
    for source in (clone, bare, archive):
        resolved = resolve_sources([click], {"pallets/click": str(source)}, {"pallets/click"})
        assert resolved.missing == [] and click.name in resolved.repositories


def test_a_source_at_the_wrong_commit_is_an_error(tmp_path: Path):
    dataset = load_dataset(shipped_dataset())
    click = dataset.tasks["pallets_click_task/task2068"]
    wrong = _source_archive(tmp_path, "samuelcolvin/dirty-equals")
    with pytest.raises(
        ConfigError, match=r"holds none of the base commits .*pallets_click_task/task2068 at d79153731794"
    ):
        resolve_sources([click], {"pallets/click": str(wrong)}, {"pallets/click"})
    with pytest.raises(ConfigError, match="task.repos names 'palets/click', which no task of the dataset uses"):
        resolve_sources([click], {"palets/click": str(wrong)}, {"pallets/click"})
    with pytest.raises(ConfigError, match="does not exist"):
        resolve_sources([click], {"pallets/click": str(tmp_path / "nowhere")}, {"pallets/click"})
