"""Inspect's own tasks: task files (`task.py[@name]`, directories) and names installed packages register."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import run_harness

TASK_FILE = '''\
from inspect_ai import Task, task
from inspect_ai.dataset import Sample
from inspect_ai.scorer import includes


@task
def mytask(count: int = 3, word: str = "mockllm"):
    """An ordinary inspect task file."""
    return Task(dataset=[Sample(id=i, input=f"say {word}", target=word) for i in range(count)], scorer=includes())


@task
def other():
    """A second task in the same file."""
    return Task(dataset=[Sample(input="x", target="x")], scorer=includes())
'''


@pytest.fixture
def task_dir(tmp_path: Path) -> Path:
    (tmp_path / "mytask.py").write_text(TASK_FILE)
    (tmp_path / "single").mkdir()
    (tmp_path / "single" / "only.py").write_text(TASK_FILE.split("\n\n\n@task\ndef other")[0] + "\n")
    (tmp_path / "plain.py").write_text("def helper():\n    return 1\n")
    (tmp_path / "broken.py").write_text(
        "from inspect_ai import task\n\n\n@task\ndef broken():\n    pass\n\n\nraise RuntimeError('import-time failure')\n"
    )
    return tmp_path


def _record(log_dir: Path) -> dict:
    return json.loads(next(log_dir.glob("*/results.json")).read_text())


@pytest.mark.slow
def test_task_files_run_with_args_epochs_and_overrides(task_dir: Path):
    logs = task_dir / "logs"
    result = run_harness(
        "eval",
        "task=mytask.py@mytask",
        "task.count=4",
        "epochs=2",
        "scorer=match",
        "scorer.location=any",
        f"log_dir={logs}",
        "display=none",
        cwd=task_dir,
    )
    assert result.returncode == 0, result.stderr
    record = _record(logs)
    assert record["task"]["name"] == "mytask" and record["params"]["task_args"] == {"count": 4}
    assert record["samples"] == {"total": 8, "completed": 8, "errors": 0, "epochs": 2, "infra_errors": 0, "flaky": 0, "not_run": 0, "cancelled": 0}
    assert [m["scorer"] for m in record["metrics"]] == ["match"] and record["metrics"][0]["n"] == 4
    single = run_harness("eval", "task=single", f"log_dir={task_dir / 'logs2'}", "display=none", cwd=task_dir)
    assert single.returncode == 0, single.stderr  # a directory holding one task
    info = run_harness("info", "mytask.py@mytask", cwd=task_dir)
    assert "task.count  (integer; default 3)" in info.stdout and "An ordinary inspect task file." in info.stdout


@pytest.mark.parametrize(
    "spec, message",
    [
        ("mytask.py", "defines 2 tasks (mytask, other); choose one: task=mytask.py@mytask"),
        ("plain.py", "defines no inspect task"),
        ("broken.py", "RuntimeError: import-time failure"),
        ("absent.py", "inspect task file 'absent.py' does not exist"),
        ("acme/nothing", "unknown task 'acme/nothing'"),
    ],
)
def test_bad_inspect_tasks_are_one_line_and_exit_2(task_dir: Path, spec: str, message: str):
    result = run_harness("eval", f"task={spec}", f"log_dir={task_dir / 'logs'}", cwd=task_dir)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_inspect_prefix_asks_inspect_and_harness_names_stay_harness(task_dir: Path):
    forced = run_harness(
        "eval", "task=inspect:mytask.py@mytask", f"log_dir={task_dir / 'b'}", "display=none", cwd=task_dir
    )
    assert forced.returncode == 0, forced.stderr
    assert _record(task_dir / "b")["task"]["name"] == "mytask"
    # `arithmetic` is a harness task; inspect itself has none of that name
    assert (
        run_harness("eval", "task=arithmetic", "limit=1", f"log_dir={task_dir / 'c'}", "display=none").returncode == 0
    )
    inspect_only = run_harness("eval", "task=inspect:arithmetic", "limit=1", f"log_dir={task_dir / 'd'}")
    assert inspect_only.returncode == 2 and "no inspect task 'arithmetic'" in inspect_only.stderr


@pytest.fixture(scope="module")
def inspect_evals_site(tmp_path_factory) -> Path:
    """inspect-evals from PyPI (no deps beyond what the venv has), in a `site-packages` directory so that
    inspect namespaces its tasks (`inspect_evals/NAME`) as for any installed package."""
    site = tmp_path_factory.mktemp("ie") / "site-packages"
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--target",
        str(site),
        "inspect-evals==0.26.0",
        "toml",
        "backoff",
        "pillow",
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"pip could not install inspect-evals (PyPI is reachable here): {result.stderr[-500:]}")
    return site


@pytest.mark.slow
def test_inspect_evals_tasks_are_listed_from_metadata_and_explained(inspect_evals_site: Path, tmp_path: Path):
    env = {"PYTHONPATH": str(inspect_evals_site), "HARNESS_CACHE_DIR": str(tmp_path / "cache")}
    probe = textwrap.dedent("""\
        import sys
        from harness.cli import main
        main(["list", "tasks"])
        print("IMPORTED", sorted(m for m in ("inspect_ai", "inspect_evals", "datasets") if m in sys.modules))
    """)
    listing = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env={**os.environ, **env})
    assert listing.returncode == 0, listing.stderr
    assert "inspect tasks (" in listing.stdout and "inspect_evals/gsm8k" in listing.stdout
    assert "inspect_evals/mmlu_0_shot" in listing.stdout
    assert "IMPORTED []" in listing.stdout  # read from source: nothing imported
    info = run_harness("info", "inspect_evals/gsm8k", env=env)
    assert info.returncode == 0, info.stderr
    assert "task.fewshot  (integer; default 10)" in info.stdout


def test_an_inspect_evals_task_without_network_names_the_dataset_and_the_cache(
    inspect_evals_site: Path, tmp_path: Path
):
    env = {
        "PYTHONPATH": str(inspect_evals_site),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "hf"),
    }
    result = run_harness(
        "eval", "task=inspect_evals/gsm8k", "task.fewshot=0", "limit=1", f"log_dir={tmp_path / 'logs'}", env=env
    )
    assert result.returncode == 2
    assert "openai/gsm8k" in result.stderr and "HF_HUB_OFFLINE=1" in result.stderr and "HF_HOME" in result.stderr
