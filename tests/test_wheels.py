"""What a PyPI user gets: every distribution built into a wheel, installed from the wheels only into a
fresh virtual environment (dependencies from the normal index), listed and run offline there."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

from conftest import REPO, uv_install

# setuptools builds in the source tree (build/, *.egg-info): tests that build the checkout share one worker;
# building every distribution and installing them into a new venv takes minutes
pytestmark = [pytest.mark.xdist_group("builds-the-checkout"), pytest.mark.slow]

_NOT_SOURCE = (".git", ".venv", ".tox", "node_modules", "*.egg-info", "build", "dist", "__pycache__", "logs", ".ci")

PROJECTS = [REPO, *sorted(p for p in (REPO / "plugins").iterdir() if (p / "pyproject.toml").exists())]


def _name(project: Path) -> str:
    return tomllib.loads((project / "pyproject.toml").read_text())["project"]["name"]


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("wheels")
    dist = root / "dist"
    for project in PROJECTS:
        # built from a copy: setuptools writes *.egg-info and build/ into the tree it builds, and the checkout's
        # egg-info is what every other test's `harness` reads its entry points from
        source = root / "src" / project.name
        shutil.copytree(project, source, ignore=shutil.ignore_patterns(*_NOT_SOURCE))
        built = subprocess.run(
            # no isolated build env per distribution (18 of them took ~50 s): the venv's setuptools, which
            # `build` checks against each project's [build-system] requires
            [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--sdist", "--outdir", str(dist), str(source)],
            capture_output=True,
            text=True,
        )
        assert built.returncode == 0, f"{project.name}: {built.stderr[-2000:]}"
    check = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    names = [_name(p) for p in PROJECTS]
    # ours only from the wheels just built (never from an index)...
    ours = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--find-links", str(dist), *names],
        capture_output=True,
        text=True,
    )
    assert ours.returncode == 0, ours.stderr[-2000:]
    # ...then their dependencies from the normal index (ours are already satisfied), resolved by uv: the same
    # requirements from the same index as pip, without pip's minute of serial downloads and byte-compiling
    deps = uv_install(python, "--find-links", str(dist), *names)
    assert deps.returncode == 0, deps.stderr[-3000:]
    sizes = {p.name: p.stat().st_size for p in dist.glob("*.whl")}
    return {"python": python, "bin": env_dir / "bin", "sizes": sizes, "root": root}


def _harness(env: dict, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    environment["HARNESS_MODEL"] = "mockllm/model"
    return subprocess.run(
        [str(env["bin"] / "harness"), *args], capture_output=True, text=True, cwd=cwd, env=environment, timeout=900
    )


def test_the_wheels_install_alone_and_list_every_plugin(wheel_env: dict):
    located = subprocess.run(
        [str(wheel_env["python"]), "-c", "import harness, sys; print(harness.__file__)"],
        capture_output=True,
        text=True,
        cwd="/",
    )
    assert "site-packages" in located.stdout and str(REPO) not in located.stdout  # not the checkout
    listing = _harness(wheel_env, "list", "--format", "json")
    assert listing.returncode == 0, listing.stderr
    dists = {row["dist"] for row in json.loads(listing.stdout)["plugins"]}
    assert dists >= {_name(p) for p in PROJECTS}
    assert all(size < 30 * 2**20 for size in wheel_env["sizes"].values()), wheel_env["sizes"]


def test_an_offline_eval_of_the_core_from_the_wheels(wheel_env: dict, tmp_path: Path):
    result = _harness(wheel_env, "eval", "task=arithmetic", "limit=3", f"log_dir={tmp_path}", "display=none")
    assert result.returncode == 0, result.stderr
    record = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    assert record["samples"]["completed"] == 3 and record["metrics"][0]["n"] == 3
    shipped = _harness(
        wheel_env,
        "eval",
        "task=capitals",
        "scorer=" + str(REPO / "scorers" / "simpeval-bank.yaml"),
        "limit=2",
        f"log_dir={tmp_path / 'induced'}",
        "display=none",
    )
    assert shipped.returncode == 0, shipped.stderr  # the metric-induction plugin's scorer, from its wheel


LM_EVAL_TASK = """\
task: wheel_sums
dataset_path: json
dataset_kwargs:
  data_files:
    test: {rows}
test_split: test
output_type: generate_until
doc_to_text: "Question: {{{{question}}}}\\nAnswer:"
doc_to_target: "{{{{answer}}}}"
generation_kwargs:
  until: ["\\n"]
metric_list:
  - metric: exact_match
    aggregation: mean
    higher_is_better: true
metadata:
  version: 1.0
"""


def _lm_eval_args(tmp_path: Path) -> list[str]:
    rows = tmp_path / "sums.jsonl"
    rows.write_text("".join(json.dumps({"question": f"{i} + {i}?", "answer": str(2 * i)}) + "\n" for i in range(3)))
    (tmp_path / "wheel_sums.yaml").write_text(LM_EVAL_TASK.format(rows=rows))
    return ["task=lm_eval", "task.name=wheel_sums", f"task.include_path={tmp_path}"]


@pytest.mark.parametrize(
    "plugin, args, samples",
    [
        ("ambig_swe", ["task=ambig_swe", "solver=ambig_swe_gold", "limit=1"], 1),  # a Docker sandbox
        ("cooperbench", ["task=cooperbench", "solver=cooperbench_gold", "limit=1"], 1),  # two, and a real merge
        ("decepticon", ["task=decepticon", "solver=decepticon_careful", "limit=2"], 2),  # headless Chromium
        ("lm_eval", None, 3),  # an lm-eval YAML task over a local file
        # the synthetic traces task scored by the shipped critic (its rubric and schemas from the wheel's package data)
        (
            "critic_rubrics",
            [
                "task=critic_synthetic",
                "task.samples=3",
                f"scorer={REPO / 'plugins/critic_rubrics/examples/critic-synthetic.yaml'}",
            ],
            3,
        ),
        # a seeker-first conversation: scripted supporter and seeker, lexical detectors (scenarios, rubric from the wheel)
        (
            "lend_an_ear",
            [
                "task=lend_an_ear",
                "solver=lend_an_ear_validating",
                "simulator=lend_an_ear_seeker",
                "simulator.policy=scripted",
                "task.judge=lexical",
                "task.turns=2",
                "limit=2",
            ],
            2,
        ),
        # one developer's session in a Docker sandbox, scripted agent and user (catalogue, profiles, history and
        # repositories from the wheel's package data)
        (
            "stateful_swe",
            [
                "task=stateful_swe",
                "solver=stateful_swe_scripted_applier",
                "simulator=stateful_swe_user",
                "simulator.mode=scripted",
                "task.profiles=[maya]",
                "task.sessions=1",
            ],
            1,
        ),
    ],
)
def test_an_offline_eval_of_each_plugin_from_the_wheels(
    wheel_env: dict, tmp_path: Path, plugin: str, args: list[str] | None, samples: int
):
    logs = tmp_path / "logs"
    result = _harness(wheel_env, "eval", *(args or _lm_eval_args(tmp_path)), f"log_dir={logs}", "display=none")
    assert result.returncode == 0, f"{plugin}: {result.stderr[-3000:]}"
    record = json.loads(next(logs.glob("*/results.json")).read_text())
    assert record["status"] == "success" and record["samples"]["completed"] == samples, record["samples"]
    installed = {p["dist"]: p["version"] for p in record["versions"]["plugins"]}
    assert installed.get(f"plugeval-{plugin.replace('_', '-')}"), installed  # the plugin that ran is recorded
