"""The results record's schema, statistics and atomic writes."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from harness import ResultsError, read_record
from harness.results._record_file import atomic_write_text, validate_record, write_record
from harness.results._stats import mean_estimate, wilson_interval


def minimal_record() -> dict:
    return {
        "schema_version": 1,
        "run_id": "r1",
        "status": "success",
        "error": None,
        "started_at": "2026-01-01T00:00:00+00:00",
        "completed_at": "2026-01-01T00:00:01+00:00",
        "wall_time_seconds": 1.0,
        "versions": {"plugeval": "0.1.0", "inspect_ai": "0.3", "python": "3.11", "plugins": []},
        "task": {"name": "t", "ref": "t"},
        "model": "mockllm/model",
        "params": {},
        "metrics": [
            {
                "scorer": "match",
                "name": "accuracy",
                "value": 0.5,
                "stderr": 0.1,
                "ci95": [0.3, 0.7],
                "n": 10,
                "ci_method": "wilson",
            }
        ],
        "samples": {"total": 10, "completed": 10, "errors": 0, "epochs": 1},
        "tokens": {"input": 1, "output": 1, "total": 2, "by_model": {}},
        "inspect_log": None,
        "hook_errors": [],
    }


def test_wilson_interval_matches_reference_values():
    # Reference: Newcombe (1998), Table I; 5/10 → (0.2366, 0.7634), 0/10 → (0, 0.2775).
    assert wilson_interval(0.5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson_interval(0.0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)


def test_mean_estimate_uses_t_for_continuous_scores():
    estimate = mean_estimate([1.0, 2.0, 3.0, 4.0])
    assert estimate.method == "t" and estimate.n == 4
    assert estimate.stderr == pytest.approx(0.6455, abs=1e-4)
    assert estimate.ci95 == pytest.approx((2.5 - 3.1824 * 0.6455, 2.5 + 3.1824 * 0.6455), abs=1e-3)


def test_a_single_sample_has_an_interval_only_when_its_scale_is_known():
    passed = mean_estimate([1.0])  # one pass: Wilson at n = 1
    assert passed.value == 1.0 and passed.stderr is None and passed.method == "wilson"
    assert passed.ci95 == pytest.approx((0.2065, 1.0), abs=1e-4)
    unknown = mean_estimate([3.5])
    assert unknown.method == "unavailable" and unknown.ci95 is None
    bounded = mean_estimate([3.5], bounds=(0.0, 10.0))
    assert bounded.method == "hoeffding" and bounded.ci95 == (0.0, 10.0)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda r: r.pop("metrics"), "missing required key 'metrics'"),
        (lambda r: r["metrics"][0].update(stderr=-1), "'metrics.0.stderr' must be at least 0"),
        (lambda r: r["metrics"][0].update(ci95=[0.1]), "'metrics.0.ci95'"),
        (lambda r: r.update(status="done"), "'status' must be one of"),
    ],
)
def test_invalid_records_are_refused(change, message, tmp_path: Path):
    record = minimal_record()
    change(record)
    with pytest.raises(ResultsError, match=message):
        write_record(record, tmp_path)
    assert not (tmp_path / "results.json").exists()


def test_write_and_read_round_trip(tmp_path: Path):
    path = write_record(minimal_record(), tmp_path)
    assert read_record(tmp_path) == read_record(path) == minimal_record()
    validate_record(json.loads(path.read_text()))


def test_a_crash_mid_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch):
    target = tmp_path / "results.json"
    target.write_text('{"old": true}')

    def crash(*args, **kwargs):
        raise OSError("disk died")

    monkeypatch.setattr(os, "replace", crash)
    from harness._errors import StorageError

    with pytest.raises(StorageError, match="results.json: disk died"):
        atomic_write_text(target, '{"new": true}')
    assert target.read_text() == '{"old": true}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]  # no temp file left behind


def test_read_record_names_a_bad_file(tmp_path: Path):
    (tmp_path / "results.json").write_text("{not json")
    with pytest.raises(ResultsError, match="is not valid JSON"):
        read_record(tmp_path)


def test_pass_fail_scores_get_wilson_whichever_outcomes_occur():
    from harness.results._digest import SampleDigest
    from harness.results._metrics import binary_scores as _binary_scores

    def samples(*values):
        return [SampleDigest(id=i, epoch=1, values={"s": v}) for i, v in enumerate(values)]

    assert _binary_scores(samples("I", "I", "I"), "s")  # all wrong is still pass/fail
    assert _binary_scores(samples(True, False), "s") and _binary_scores(samples(0, 1, 1), "s")
    assert _binary_scores(samples(0.0, 1.0, 1.0), "s")
    assert _binary_scores(samples(0.0, 0.0, 0.0), "s")  # 0/3 of a 0/1 float score
    assert not _binary_scores(samples(0.0, 0.0, 0.0), "s", bounds=(-1.0, 1.0))  # a reward declared on [-1, 1]
    assert not _binary_scores(samples("C", "P"), "s")  # partial credit is 0.5
    none_of_forty = mean_estimate([0.0] * 40, binary=True)
    assert none_of_forty.method == "wilson" and none_of_forty.ci95 == pytest.approx((0.0, 0.0876), abs=1e-4)


def test_a_mean_whose_samples_all_agree_never_gets_a_zero_width_interval():
    agreed = mean_estimate([0.5] * 20, binary=False)
    assert agreed.ci95 is None and agreed.method == "unavailable"  # no declared range: no honest interval
    bounded = mean_estimate([0.5] * 20, binary=False, bounds=(0.0, 1.0))
    half = math.sqrt(math.log(2 / 0.05) / 40)  # Hoeffding: (b - a) sqrt(ln(2/alpha) / 2n)
    assert bounded.method == "hoeffding" and bounded.ci95 == pytest.approx((0.5 - half, 0.5 + half))
    assert mean_estimate([1.0, 2.0], binary=False).method == "t"  # spread: Student's t as before


def test_written_files_honour_the_umask(tmp_path: Path):
    import os
    import stat

    from harness.results._record_file import atomic_write_text

    previous = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "results.json", "{}")
        os.umask(0o027)
        atomic_write_text(tmp_path / "group.json", "{}")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "results.json").stat().st_mode) == 0o644  # not mkstemp's 0600
    assert stat.S_IMODE((tmp_path / "group.json").stat().st_mode) == 0o640


def test_conformance_checks_leave_no_scratch_directories(tmp_path: Path, monkeypatch):
    import tempfile

    from harness.testing import conformance_cases

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    (case,) = [c for c in conformance_cases("plugeval") if c.entry.name == "arithmetic"]
    case.check()
    assert not list(tmp_path.glob("harness-conformance-*"))


def test_secrets_in_a_config_never_reach_the_record(tmp_path: Path):
    from conftest import run_harness

    config = tmp_path / "run.yaml"
    config.write_text(
        "task: capitals\nmodel: mockllm/model\nlimit: 1\ndisplay: none\n"
        f"log_dir: {tmp_path / 'logs'}\nmodel_args: {{api_key: sk-live-123456, hfToken: hf_abcdef}}\n"
    )
    result = run_harness("eval", "--config", str(config))
    assert result.returncode == 0, result.stderr
    record = json.loads(next((tmp_path / "logs").glob("*/results.json")).read_text())
    assert record["params"]["model_args"] == {"api_key": "[redacted]", "hfToken": "[redacted]"}
    for path in (tmp_path / "logs").rglob("*"):
        if path.is_file() and path.suffix in (".json", ".txt", ".md"):
            text = path.read_text(errors="replace")
            assert "sk-live-123456" not in text and "hf_abcdef" not in text, path
    assert "sk-live-123456" not in result.stdout + result.stderr


def test_secret_looking_keys_are_recognised():
    from harness.results._redact import REDACTED, redact

    redacted = redact(
        {
            "OPENAI_API_KEY": "a",
            "hfToken": "b",
            "client-secret": "c",
            "nested": [{"password": "d"}],
            "max_tokens": 5,
            "keywords": ["x"],
            "monkey": "m",
            "auth": True,
        }
    )
    assert redacted == {
        "OPENAI_API_KEY": REDACTED,
        "hfToken": REDACTED,
        "client-secret": REDACTED,
        "nested": [{"password": REDACTED}],
        "max_tokens": 5,
        "keywords": ["x"],
        "monkey": "m",
        "auth": True,
    }


def test_nan_sample_values_are_left_out_not_written(tmp_path: Path):
    from harness.results._digest import SampleDigest
    from harness.results._metrics import sample_values_by_id

    digests = [
        SampleDigest(id=1, epoch=1, values={"s": 1.0}),
        SampleDigest(id=2, epoch=1, values={"s": float("nan")}),
        SampleDigest(id=3, epoch=1, values={"s": {"a": float("nan"), "b": 0.5}}),
    ]
    assert sample_values_by_id(digests, "s") == {1: 1.0}
    assert sample_values_by_id(digests, "b") == {3: 0.5}
