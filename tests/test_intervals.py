"""Honest intervals everywhere: 0/40 is not [0, 0] in the record, the terminal, compare or the leaderboard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_harness
from record_support import fixed_scores, record_of

NONE_OF_FORTY = (0.0, 0.0876)  # Wilson 95% for 0/40 (Newcombe 1998 gives 0/10 -> 0.2775 the same way)


@pytest.fixture(scope="module")
def none_of_forty(tmp_path_factory) -> tuple[Path, str]:
    """A real `harness eval` of 40 questions (a YAML task) that mockllm gets all wrong: its record and its output."""
    root = tmp_path_factory.mktemp("zero")
    (root / "rows.jsonl").write_text("".join(json.dumps({"q": f"q{i}", "a": f"a{i}"}) + "\n" for i in range(40)))
    (root / "task.yaml").write_text(
        "name: wrong\ndataset:\n  path: rows.jsonl\n  target: a\nprompt: '{q}'\nscorer: match\n"
    )
    logs = root / "logs"
    result = run_harness(
        "eval", f"task={root / 'task.yaml'}", "model=mockllm/model", "display=none", f"log_dir={logs}"
    )
    assert result.returncode == 0, result.stderr
    return next(logs.glob("*/results.json")), result.stdout


def test_zero_of_forty_has_a_wilson_interval_in_the_record_and_the_terminal(none_of_forty):
    path, stdout = none_of_forty
    (metric,) = json.loads(path.read_text())["metrics"]
    assert (metric["value"], metric["n"], metric["ci_method"]) == (0.0, 40, "wilson")
    assert metric["ci95"] == pytest.approx(NONE_OF_FORTY, abs=1e-4)
    assert "95% CI [0.000, 0.088] (wilson)  n=40" in stdout


def test_compare_labels_newcombe_and_prints_no_zero_spread(none_of_forty, tmp_path: Path):
    from harness.results._compare import compare_runs, format_comparison

    path, _ = none_of_forty
    same = compare_runs(path, path)
    assert same.paired and same.ci_method == "newcombe (paired)" and same.difference == 0.0
    assert same.ci95 == pytest.approx((-NONE_OF_FORTY[1], NONE_OF_FORTY[1]), abs=1e-4)
    assert same.base.ci95 == pytest.approx(NONE_OF_FORTY, abs=1e-4)
    for fmt in ("text", "md"):
        shown = format_comparison(same, fmt)
        assert "± 0.000" not in shown and "[-0.088, 0.088] (newcombe (paired))" in shown
    # unpaired pass/fail runs: Newcombe's hybrid score interval, not a degenerate bootstrap
    base, _ = record_of(fixed_scores({f"a{i}": 0 for i in range(40)}), tmp_path, "base")
    other, _ = record_of(fixed_scores({f"b{i}": 0 for i in range(30)}), tmp_path, "other")
    apart = compare_runs(base, other)
    assert not apart.paired and apart.ci_method == "newcombe (unpaired)"
    from harness.results._stats import wilson_interval

    assert apart.ci95 == pytest.approx((-wilson_interval(0, 40)[1], wilson_interval(0, 30)[1]))
    assert "± 0.000" not in format_comparison(apart, "text")


def test_the_leaderboard_and_its_overall_column_use_the_same_intervals(none_of_forty, tmp_path: Path):
    from harness.results._leaderboard import build

    path, _ = none_of_forty
    out, _ = build([str(path)], tmp_path / "board")
    board = json.loads((out / "leaderboard.json").read_text())
    (entry,) = board["entries"]
    assert entry["ci_method"] == "wilson" and entry["ci95"] == pytest.approx(NONE_OF_FORTY, abs=1e-4)
    (row,) = board["overall"]["rows"]
    assert row["ci95"] == pytest.approx(NONE_OF_FORTY, abs=1e-4)  # one board: the board's own interval
    assert "| 0.000 | [0.000, 0.088] | 40 |" in (out / "leaderboard.md").read_text()


def test_the_overall_interval_combines_the_boards_wilson_intervals():
    from harness.results._leaderboard import overall
    from harness.results._stats import wilson_interval

    def entry(board: str, passed: int, n: int) -> dict:
        value = passed / n
        return {"board": board, "model": "m", "ranked": True, "ci_method": "wilson", "value": value, "stderr": 0.0,
                "ci95": list(wilson_interval(value, n)), "n": n}

    (row,) = overall([entry("a", 0, 40), entry("b", 0, 40)])["rows"]
    upper = wilson_interval(0.0, 40)[1]
    assert row["value"] == 0.0 and row["ci95"] == pytest.approx([0.0, (2 * upper**2) ** 0.5 / 2])


def test_a_version_1_record_with_a_point_interval_is_read_and_not_shown_as_certain(none_of_forty, tmp_path: Path):
    from harness import read_record
    from harness.results._leaderboard import build

    path, _ = none_of_forty
    old = json.loads(path.read_text())
    old["schema_version"] = 1
    for key in ("infra_errors", "flaky_tests"):
        old.pop(key)
    for key in ("infra_errors", "cancelled", "not_run", "flaky"):
        old["samples"].pop(key)
    old["metrics"][0]["ci95"] = [0.0, 0.0]  # what version 1 wrote for 0/40 of float scores
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "results.json").write_text(json.dumps(old))
    assert read_record(tmp_path / "old")["schema_version"] == 1
    out, skipped = build([str(tmp_path / "old")], tmp_path / "board")
    (entry,) = json.loads((out / "leaderboard.json").read_text())["entries"]
    assert not skipped and entry["ci95"] == pytest.approx(NONE_OF_FORTY, abs=1e-4)


@pytest.mark.parametrize(
    "values, metric, expected",
    [
        ([0.0] * 40, None, "wilson"),  # 0/1 floats, one outcome only
        ([False] * 40, None, "wilson"),  # booleans
        ([1] * 40, None, "wilson"),  # 0/1 ints, all passed
        (["I"] * 40, None, "wilson"),  # C/I letters
        ([0.0] * 40, "pass_rate", "wilson"),  # a metric of any name whose value is the pass rate
    ],
)
def test_every_pass_fail_metric_gets_a_wilson_interval(values, metric, expected, tmp_path: Path):
    from inspect_ai.scorer import Metric, metric as metric_decorator

    metrics = None
    if metric:

        @metric_decorator(name=metric)
        def pass_rate() -> Metric:
            def compute(scores):  # type: ignore[no-untyped-def]  # unannotated: inspect passes Scores
                return sum(getattr(s, "score", s).as_float() for s in scores) / len(scores)

            return compute

        metrics = [pass_rate()]
    _, record = record_of(fixed_scores({f"s{i}": v for i, v in enumerate(values)}, metrics), tmp_path, "run")
    (found,) = record["metrics"]
    assert found["ci_method"] == expected and found["n"] == 40, record["error"]
    low, high = found["ci95"]
    assert high - low == pytest.approx(NONE_OF_FORTY[1], abs=1e-4)


def test_one_sample_gets_wilson_and_an_agreeing_non_pass_fail_mean_hoeffding_or_nothing(tmp_path: Path):
    _, one = record_of(fixed_scores({"only": "C"}), tmp_path, "one")
    assert one["metrics"][0]["ci_method"] == "wilson" and one["metrics"][0]["ci95"] == pytest.approx([0.2065, 1.0], abs=1e-4)
    agreed = {f"s{i}": 3.0 for i in range(20)}
    _, ranged = record_of(fixed_scores(agreed, score_range=(0, 10)), tmp_path, "ranged")
    metric = ranged["metrics"][0]
    assert metric["ci_method"] == "hoeffding" and metric["ci95"][0] < 3.0 < metric["ci95"][1]
    _, unranged = record_of(fixed_scores(agreed), tmp_path, "unranged")
    assert unranged["metrics"][0]["ci_method"] == "unavailable" and unranged["metrics"][0]["ci95"] is None
    _, reward = record_of(fixed_scores({f"s{i}": 0.0 for i in range(20)}, score_range=(-1, 1)), tmp_path, "reward")
    assert reward["metrics"][0]["ci_method"] == "hoeffding"  # 0 everywhere on a declared [-1, 1]: not pass/fail
