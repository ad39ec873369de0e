"""`ambig-swe-report`: published runs as baselines, pooled runs, intervals at the boundary, recursive search."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ambig_swe_testkit import DATA

PUBLISHED = DATA / "published"  # the release's outcome columns (MIT)
SONNET = [
    f"published:{PUBLISHED / name}.csv#claude_sonnet3.5"
    for name in ("fully-specified", "underspecified", "interaction")
]


def _report(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness_ambig_swe._report", *args], capture_output=True, text=True)


def _runs(*args: str):
    from harness_ambig_swe._runs import published_run

    return [published_run(a) for a in args]


def test_published_sonnet_figures_match_the_paper():
    """Full 247/500, hidden 121/500, interactive 198/497; recovery 80% as the paper states."""
    from harness_ambig_swe._ratios import ratio

    full, hidden, interactive = _runs(*SONNET)
    assert (full.setting, hidden.setting, interactive.setting) == ("full", "hidden", "interactive")
    assert (full.resolved, len(full.outcomes)) == (247, 500)
    assert (hidden.resolved, len(hidden.outcomes)) == (121, 500)
    assert (interactive.resolved, len(interactive.outcomes)) == (198, 497)
    improvement = ratio(interactive, hidden, minus_one=True)
    assert improvement.value == pytest.approx((198 / 497) / (121 / 500) - 1) and round(improvement.value, 3) == 0.646
    assert improvement.ci95[0] > 0  # interaction helps: the interval excludes no improvement
    recovery = ratio(interactive, full, minus_one=False)
    assert round(recovery.value, 2) == 0.81 and round(recovery.value * 100) == 81
    assert recovery.ci95[0] < 0.80 < recovery.ci95[1]  # the paper's "80% of the full setting"
    # Deepseek-v2: the paper's 59%
    d_full, d_interactive = _runs(
        f"published:{PUBLISHED / 'fully-specified.csv'}#deepseek-v2",
        f"published:{PUBLISHED / 'interaction.csv'}#deepseek-v2",
    )
    assert round(ratio(d_interactive, d_full, minus_one=False).value, 2) == 0.59


def test_report_prints_published_figures_and_compares_paired_by_instance():
    result = _report(*SONNET, f"published:{PUBLISHED / 'interaction.csv'}#deepseek-v2")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "247/500" in out and "121/500" in out and "198/497" in out and "36/497" in out
    assert "claude_sonnet3.5 (published): interactive vs hidden (relative improvement) = +0.646" in out
    assert "claude_sonnet3.5 (published): recovery (interactive / full) = 0.806" in out
    # paired on the 497 instances both have, exact McNemar as `harness compare`
    line = next(x for x in out.splitlines() if x.startswith("interactive: deepseek-v2 (published) vs claude_sonnet3.5"))
    assert (
        "on 497 common instances" in line and "exact McNemar (1 gained, 163 lost)" in line and line.endswith(": worse")
    )


def test_paired_comparison_uses_harness_compare_methods():
    from scipy.stats import binomtest

    from harness_ambig_swe._paired import compare
    from harness_ambig_swe._runs import Run

    base = Run("base", "full", {f"i{k}": float(k < 10) for k in range(40)})
    new = Run("new", "full", {f"i{k}": float(k < 4 or 20 <= k < 36) for k in range(40)} | {"only-new": 1.0})
    found = compare(base, new)
    assert found.n == 40  # the instance only NEW has is left out
    assert found.difference == pytest.approx(20 / 40 - 10 / 40)
    assert found.test == "exact McNemar (16 gained, 6 lost)"
    assert found.p_value == pytest.approx(binomtest(16, 22, 0.5).pvalue)
    assert found.ci95[0] < found.difference < found.ci95[1]
    assert compare(base, Run("other", "full", {"i0": 1.0})) is None


def test_ratio_interval_is_right_at_the_boundary():
    """Rates of 1.0 on n=2 in both settings: an interval around no change, not [0.000, 0.000]."""
    from harness_ambig_swe._ratios import ratio
    from harness_ambig_swe._runs import Run

    hidden = Run("m", "hidden", {"a": 1.0, "b": 1.0})
    interactive = Run("m", "interactive", {"a": 1.0, "b": 1.0})
    found = ratio(interactive, hidden, minus_one=True)
    assert found.value == 0.0
    low, high = found.ci95
    assert low < -0.5 and high > 1.0
    zero = ratio(interactive, Run("m", "hidden", {"a": 0.0, "b": 0.0}), minus_one=True)
    assert zero.value is None


_FIXED_OUTCOMES_TASK = """
from inspect_ai import Task, task
from inspect_ai.dataset import Sample
from inspect_ai.scorer import Score, accuracy, scorer


@task
def ambig_swe(setting: str = "interactive", outcomes: dict | None = None):
    table = outcomes or {}

    @scorer(metrics=[accuracy()], name="tests_resolved")
    def fixed():
        async def score(state, target):
            return Score(value=table[str(state.sample_id)])

        return score

    not_run = [{"instance_id": "psf__requests-1724", "kind": "network", "reason": "its tests need the internet"}]
    return Task(dataset=[Sample(id=i, input="x") for i in table], scorer=fixed(), metadata={"not_run": not_run})
"""


def _record(tmp: Path, setting: str, outcomes: dict[str, str], epochs: int = 1) -> str:
    """A real run (public `run_eval`) of a task named ambig_swe with the given per-sample outcomes; its run id."""
    from harness import install_offline_token_counting, load_run_config, parse_overrides, run_eval

    install_offline_token_counting()
    task_file = tmp / "fixed_outcomes.py"
    task_file.write_text(_FIXED_OUTCOMES_TASK)
    tokens = [
        f"task={task_file}@ambig_swe",
        "model=mockllm/model",
        "display=none",
        f"epochs={epochs}",
        f"log_dir={tmp / 'runs' / 'nested'}",
        f"task.setting={setting}",
        f"task.outcomes={json.dumps(outcomes)}",
    ]
    return run_eval(load_run_config(parse_overrides(tokens))).record["run_id"]


def test_report_finds_records_recursively_and_pools_repeated_runs(tmp_path: Path):
    first = _record(tmp_path, "hidden", {"a": "C", "b": "I"})
    second = _record(tmp_path, "hidden", {"a": "C", "b": "C"})
    _record(tmp_path, "interactive", {"a": "C", "b": "C"}, epochs=2)
    (tmp_path / "runs" / "junk").mkdir()
    (tmp_path / "runs" / "junk" / "results.json").write_text("{}")
    result = _report(str(tmp_path / "runs"))
    assert result.returncode == 0, result.stderr
    assert "skipped" in result.stderr and "junk" in result.stderr
    hidden = next(line for line in result.stdout.splitlines() if " hidden " in line)
    # two runs of m/hidden pooled by instance: a = 1, b = 0.5; n = 2 instances, nothing silently dropped
    assert "0.750" in hidden and "pooled" in hidden and "2 runs pooled by instance: " in hidden
    assert first in hidden and second in hidden
    assert "not run here (not counted): 1 (network 1)" in result.stdout
    assert "mockllm/model: interactive vs hidden (relative improvement) = +0.333" in result.stdout


@pytest.mark.slow
def test_published_arguments_that_cannot_be_read_name_the_fix(tmp_path: Path):
    result = _report(f"published:{PUBLISHED / 'interaction.csv'}#gpt-5")
    assert result.returncode == 2
    assert "has no column 'gpt-5' (columns: claude_sonnet3.5, deepseek-v2)" in result.stderr
    other = tmp_path / "mine.csv"
    other.write_text("instance_id,m\na,1\n")
    assert "add @full, @hidden or @interactive" in _report(f"published:{other}#m").stderr
    assert _report(f"published:{other}#m@hidden").returncode == 0
    assert "published:PATH#COLUMN" in _report(f"published:{other}").stderr


def test_report_json_of_the_published_release_is_stable():
    from harness_ambig_swe._ratios import estimate

    full, hidden, interactive = _runs(*SONNET)
    shown = {r.setting: [round(x, 3) for x in estimate(r).ci95] for r in (full, hidden, interactive)}
    assert json.dumps(shown) == json.dumps(
        {"full": [0.45, 0.538], "hidden": [0.207, 0.281], "interactive": [0.356, 0.442]}
    )
