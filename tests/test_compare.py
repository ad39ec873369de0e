"""`harness compare`: paired and unpaired comparisons with significance, formats and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, run_harness
from harness import load_run_config, load_yaml_task, run_eval
from harness.config._run_config import parse_overrides


def _run(tmp_path: Path, replies: list[str], limit: int, name: str, *extra: str) -> Path:
    from inspect_ai.model import ModelOutput

    config = load_run_config(
        parse_overrides(
            [
                "task=arithmetic",
                f"limit={limit}",
                "model=mockllm/model",
                f"log_dir={tmp_path / name}",
                "display=none",
                "max_samples=1",
                *extra,
            ]
        )
    )
    config.args["model"] = {"custom_outputs": [ModelOutput.from_content("mockllm/model", r) for r in replies]}
    return run_eval(config).results_path


@pytest.fixture(scope="module")
def answers() -> list[str]:
    return [s.target for s in load_yaml_task(REPO / "tasks" / "arithmetic.yaml").dataset][:20]


@pytest.mark.slow
def test_paired_comparison_detects_a_real_improvement_and_a_regression(tmp_path: Path, answers):
    base = _run(tmp_path, ["no idea"] * 20, 20, "base")
    new = _run(tmp_path, [a if isinstance(a, str) else a[0] for a in answers], 20, "new")
    better = run_harness("compare", str(base), str(new.parent), "format=json")
    assert better.returncode == 0, better.stderr
    result = json.loads(better.stdout)
    assert result["paired"] and result["verdict"] == "better"
    assert result["difference"] == pytest.approx(1.0)
    # every sample improved: the bootstrap degenerates to [1, 1]; Newcombe's paired interval stays honest
    low, high = result["ci95"]
    assert 0.5 < low < 1.0 and high == 1.0
    n = len(answers)
    assert result["p_value"] == pytest.approx(2 * 0.5**n) and f"McNemar ({n} gained, 0 lost)" in result["test"]

    worse = run_harness("compare", str(new), str(base), "fail_on_regression=true", "format=md")
    assert worse.returncode == 1  # NEW is significantly worse
    assert worse.stdout.startswith("### ❌ `match`: worse") and "| base `" in worse.stdout

    same = run_harness("compare", str(base), str(base), "fail_on_regression=true")
    assert same.returncode == 0 and "no significant difference" in same.stdout


def test_unpaired_comparison_when_the_samples_differ(tmp_path: Path, answers):
    base = _run(tmp_path, ["no idea"] * 10, 10, "base")
    new = _run(tmp_path, [a if isinstance(a, str) else a[0] for a in answers], 20, "new")
    result = json.loads(run_harness("compare", str(base), str(new), "format=json").stdout)
    assert result["paired"] is False and result["test"].startswith("permutation")
    assert result["verdict"] == "better" and result["p_value"] < 0.001


def test_bad_inputs_are_named(tmp_path: Path):
    base = _run(tmp_path, ["x"] * 3, 3, "base")
    missing = run_harness("compare", str(base), str(tmp_path / "nope"))
    assert missing.returncode == 2 and "nope" in missing.stderr
    metric = run_harness("compare", str(base), str(base), "metric=f1")
    assert metric.returncode == 2 and "scorers in the run: match" in metric.stderr
    key = run_harness("compare", str(base), str(base), "alpah=0.1")
    assert key.returncode == 2 and "did you mean 'alpha'" in key.stderr


def test_the_interval_of_other_scores_is_scipys_bca_bootstrap_with_its_stderr(tmp_path: Path):
    import numpy as np
    from scipy.stats import bootstrap

    a = np.array([0.1, 0.4, 0.3, 0.2, 0.5, 0.3, 0.6, 0.2, 0.1, 0.4, 0.3, 0.2])
    b = a + np.array([0.3, 0.1, 0.2, 0.0, 0.4, 0.1, 0.2, 0.3, 0.1, -0.1, 0.2, 0.3])
    from harness.results._compare import compare_runs
    from record_support import fixed_scores, record_of

    base, _ = record_of(fixed_scores({f"s{i}": float(v) for i, v in enumerate(a)}), tmp_path, "base")
    new, _ = record_of(fixed_scores({f"s{i}": float(v) for i, v in enumerate(b)}), tmp_path, "new")

    result = compare_runs(base, new)
    ids = sorted(f"s{i}" for i in range(len(a)))  # compare pairs samples in id order
    order = [int(i[1:]) for i in ids]
    expected = bootstrap(
        (a[order], b[order]),
        lambda x, y, axis=-1: np.mean(y, axis=axis) - np.mean(x, axis=axis),
        paired=True,
        vectorized=True,
        n_resamples=10_000,
        method="BCa",
        random_state=np.random.default_rng(0),
    )
    assert result.ci95 == pytest.approx((expected.confidence_interval.low, expected.confidence_interval.high))
    assert result.stderr == pytest.approx(expected.standard_error) and result.stderr > 0
    assert result.difference == pytest.approx(float((b - a).mean())) and result.ci_method == "bca bootstrap (paired)"


def test_runs_of_different_tasks_are_not_compared_unless_asked(tmp_path: Path):
    base = _run(tmp_path, ["x"] * 3, 3, "base")
    config = load_run_config(
        parse_overrides(
            ["task=capitals", "limit=3", "model=mockllm/model", f"log_dir={tmp_path / 'other'}", "display=none"]
        )
    )
    other = run_eval(config).results_path
    refused = run_harness("compare", str(base), str(other))
    assert refused.returncode == 2
    assert "different tasks ('arithmetic' vs 'capitals')" in refused.stderr and "allow_different=true" in refused.stderr
    forced = run_harness("compare", str(base), str(other), "allow_different=true", "metric=match")
    assert forced.returncode in (0, 2) and "different tasks" not in forced.stderr


def test_a_lower_is_better_metric_calls_a_significant_drop_better(tmp_path: Path, answers):
    right = [a if isinstance(a, str) else a[0] for a in answers]
    high = _run(tmp_path, right[:12], 12, "high")
    low = _run(tmp_path, ["x"] * 12, 12, "low")
    result = json.loads(run_harness("compare", str(high), str(low), "format=json", "lower_is_better=true").stdout)
    assert result["difference"] < 0 and result["verdict"] == "better"


def test_an_undefined_metric_on_resamples_gives_no_interval_not_nan():
    from harness.results._digest import SampleDigest
    from harness.results._metric_estimate import bootstrap_estimate
    from harness.results._scored import scored_values

    # precision-like metrics are undefined (NaN) on resamples without positives; inspect's `std` of one value
    digests = [SampleDigest(id=i, epoch=1, values={"s": 1.0 if i == 0 else 0.0}) for i in range(3)]
    found = bootstrap_estimate(scored_values(digests, "s"), "std", 0.5)
    assert found is None or (found.ci95 is not None and all(x == x for x in found.ci95))


def test_two_samples_that_both_improved_do_not_give_a_certain_interval(tmp_path: Path, answers):
    right = [a if isinstance(a, str) else a[0] for a in answers]
    base = _run(tmp_path, ["x"] * 2, 2, "base")
    new = _run(tmp_path, right[:2], 2, "new")
    result = json.loads(run_harness("compare", str(base), str(new), "format=json").stdout)
    assert result["difference"] == 1.0 and result["ci95"][0] < 0.5  # n=2 cannot pin the difference at 1


@pytest.mark.slow
def test_runs_with_different_user_seats_report_the_success_gap_paired_on_their_samples(tmp_path: Path, answers):
    # the seat a run's user sat in comes from its record (model_roles.user here; simulator= or a person too)
    people = _run(
        tmp_path,
        [a if isinstance(a, str) else a[0] for a in answers[:6]] + ["no"] * 4,
        10,
        "people",
        "model_roles.user=sim/human",
    )
    simulated = _run(
        tmp_path,
        [a if isinstance(a, str) else a[0] for a in answers[:9]] + ["no"],
        10,
        "sim",
        "model_roles.user=sim/oracle",
    )
    table = run_harness("compare", str(people), str(simulated))
    assert table.returncode == 0, table.stderr
    assert "success gap (oracle − human (terminal)) +0.300" in table.stdout and "(newcombe (paired))" in table.stdout
    assert "human (terminal)" in table.stdout.splitlines()[1] and "oracle" in table.stdout.splitlines()[2]
    result = json.loads(run_harness("compare", str(people), str(simulated), "format=json").stdout)
    assert result["seat_gap"] and result["paired"] and result["base"]["user_seat"] == "human (terminal)"
    low, high = result["ci95"]
    assert low < 0.3 < high
    same_seat = json.loads(run_harness("compare", str(simulated), str(simulated), "format=json").stdout)
    assert not same_seat["seat_gap"]


@pytest.mark.parametrize(
    "params, seat",
    [
        ({"simulator": "oracle"}, "oracle"),
        ({"simulator": "human", "seat": "web"}, "human (web)"),
        ({"model_roles": {"user": "sim/human"}, "seat": {"kind": "web", "port": 8080}}, "human (web)"),
        ({"model_roles": {"user": "sim/llm"}}, "llm"),
        ({"model_roles": {"user": "openai/gpt-4o"}}, "openai/gpt-4o"),
        ({"model_roles": {"grader": "openai/gpt-4o"}}, None),
        ({}, None),
    ],
)
def test_the_user_seat_is_read_from_a_runs_parameters(params, seat):
    from harness.results._seats import user_seat

    assert user_seat(params) == seat
