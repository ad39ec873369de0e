"""Records that match the logs with the real cause: infra errors apart from n, flaky tests, unwrapped errors, schema 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import InfraError, ResultsError
from record_support import record_of, record_of_log


class BrowserTimeout(InfraError):
    """A plugin's own kind of infrastructure fault."""


def _task(n: int = 12):
    """Samples 0-2 hit infrastructure faults, sample 3 an agent bug; sample 4 passes only after a re-run of a test."""
    from inspect_ai import Task
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import Score, accuracy, scorer
    from inspect_ai.solver import solver

    @solver
    def browse():
        async def solve(state, generate):
            number = int(state.sample_id)
            if number in (0, 1):
                try:
                    raise TimeoutError("Page.goto: Timeout 10000ms exceeded")
                except TimeoutError as ex:
                    raise InfraError(f"browser navigation timed out: {ex}") from ex
            if number == 2:
                raise BrowserTimeout("could not start chromium: token=abc123secret")
            if number == 3:
                raise ValueError("the agent clicked nothing")
            return state

        return solve

    @scorer(metrics=[accuracy()])
    def passes():
        async def score(state, target):
            flaky = ["tests/test_x.py::test_y"] if state.sample_id == 4 else []
            return Score(value="C" if int(state.sample_id) % 2 else "I", metadata={"flaky": flaky})

        return score

    return Task(dataset=[Sample(id=i, input="x") for i in range(n)], solver=browse(), scorer=passes(), name="faults")


def test_infra_errors_are_counted_apart_from_n_with_their_causes_and_flaky_tests_listed(tmp_path: Path):
    _, record = record_of(_task(), tmp_path, "faults", fail_on_error=False)
    samples = record["samples"]
    assert record["schema_version"] == 2 and record["status"] == "success"
    assert (samples["total"], samples["completed"], samples["errors"], samples["infra_errors"]) == (12, 8, 4, 3)
    assert samples["flaky"] == 1 and samples["not_run"] == 0 and samples["cancelled"] == 0
    (metric,) = record["metrics"]
    assert metric["n"] == samples["completed"] == 8  # infra errors and the agent's error are not in n
    causes = {c["cause"]: c for c in record["infra_errors"]}
    timeout = causes["InfraError: browser navigation timed out: Page.goto: Timeout 10000ms exceeded"]
    assert timeout["count"] == 2 and sorted(s["id"] for s in timeout["samples"]) == [0, 1]
    assert causes["BrowserTimeout: could not start chromium: token=[redacted]"]["count"] == 1  # a subclass; redacted
    assert record["flaky_tests"] == [
        {"test": "tests/test_x.py::test_y", "count": 1, "samples": [{"id": 4, "epoch": 1}]}
    ]


def test_an_interrupted_run_reports_values_n_and_ci_from_the_same_scored_samples(tmp_path: Path):
    from inspect_ai.log import read_eval_log

    path, finished = record_of(_task(), tmp_path, "finished", fail_on_error=False)
    log = read_eval_log(finished["inspect_log"])
    log.status = "cancelled"
    log.results.scores[0].metrics["accuracy"].value = 0.043  # inspect's partial value, over what its display saw
    _, record = record_of_log(log, tmp_path, "cancelled")
    (metric,) = record["metrics"]
    assert metric["value"] == 0.5 and metric["n"] == 8  # 4 of the 8 scored samples passed
    assert "cancelled" in metric["note"] and "8 samples that completed" in metric["note"]
    assert metric["ci95"] == pytest.approx(finished["metrics"][0]["ci95"])
    assert finished["metrics"][0]["value"] == 0.5 and "note" not in finished["metrics"][0]


def test_samples_that_never_started_are_not_run_not_errors(tmp_path: Path):
    _, record = record_of(_task(), tmp_path, "sharded", not_run=5, fail_on_error=False, limit=(5, 12))
    samples = record["samples"]
    assert (samples["total"], samples["not_run"], samples["errors"], samples["infra_errors"]) == (12, 5, 0, 0)


def test_cancelled_samples_are_counted_apart_from_errors(tmp_path: Path):
    from harness.results._digest import SampleDigest
    from harness.results._summaries import sample_counts

    _, finished = record_of(_task(4), tmp_path, "run", fail_on_error=False)
    from inspect_ai.log import read_eval_log

    log = read_eval_log(finished["inspect_log"], header_only=True)
    digests = [
        SampleDigest(id=0, epoch=1, values={"passes": "C"}),
        SampleDigest(id=1, epoch=1, error=True, error_type="CancelledError", cause="CancelledError: Cancelled"),
        SampleDigest(id=2, epoch=1, error=True, error_type="ValueError", cause="ValueError: x"),
    ]
    counts = sample_counts(log, digests)
    assert (counts["completed"], counts["cancelled"], counts["errors"]) == (1, 1, 1)


_RETRY_TRACEBACK = """\
Traceback (most recent call last):
  File "/site/tenacity/asyncio/__init__.py", line 114, in __call__
    result = await fn(*args, **kwargs)
  File "/site/flaky_plugin/provider.py", line 22, in generate
    raise FlakyError("provider down (call refused)")
flaky_plugin.provider.FlakyError: provider down (call refused)

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/site/tenacity/__init__.py", line 483, in exc_check
    raise retry_exc from fut.exception()
tenacity.RetryError: RetryError[<Future at 0x7f178f05cdd0 state=finished raised FlakyError>]
"""


@pytest.mark.parametrize(
    "message, traceback, expected",
    [
        (
            "RetryError(<Future at 0x7f state=finished raised FlakyError>)",
            _RETRY_TRACEBACK,
            "FlakyError: provider down (call refused)",
        ),
        # the same inside a task group: tracebacks of sub-exceptions carry a `|` margin
        (
            "ExceptionGroup('unhandled errors in a TaskGroup', [RetryError(...)])",
            "  + Exception Group Traceback (most recent call last):\n  | ExceptionGroup: unhandled errors (1 sub-exception)\n"
            "  +-+---------------- 1 ----------------\n    | Traceback (most recent call last):\n"
            "    | pkg.FlakyError: provider down\n    | \n    | tenacity.RetryError: RetryError[<Future raised FlakyError>]\n",
            "FlakyError: provider down",
        ),
        # no traceback logged: the wrapped exception's name is all there is
        (
            "RetryError(<Future at 0x7f state=finished raised FlakyError>)",
            None,
            "FlakyError (its message was not logged)",
        ),
        ("RuntimeError('model said: no')", None, "RuntimeError: model said: no"),
        ("something odd happened", "", "something odd happened"),
    ],
)
def test_the_cause_unwraps_retry_and_group_wrappers(message, traceback, expected):
    from harness.results._causes import cause_of

    cause = cause_of(message, traceback)
    assert cause.text == expected
    assert "RetryError" not in cause.text and "Future at" not in cause.text


def test_a_run_a_failing_provider_ends_names_the_providers_error(tmp_path: Path):
    from inspect_ai.model import ModelAPI, modelapi

    class FlakyError(RuntimeError):
        pass

    @modelapi(name="always-down")
    class AlwaysDown(ModelAPI):
        def __init__(self, model_name, base_url=None, api_key=None, config=None, **model_args):
            super().__init__(model_name, base_url, api_key, [], config)

        async def generate(self, input, tools, tool_choice, config):
            raise FlakyError("provider down (call refused)")

        def should_retry(self, ex):
            return isinstance(ex, FlakyError)

    from inspect_ai import Task
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import includes

    task = Task(dataset=[Sample(id=i, input="q", target="ok") for i in range(3)], scorer=includes(), name="down")
    _, record = record_of(task, tmp_path, "down", model="always-down/x", max_retries=0)
    assert record["status"] == "error" and record["error"] == "FlakyError: provider down (call refused)"
    assert record["samples"]["infra_errors"] == 0  # a provider's fault is not the harness's infrastructure


def test_version_2_records_must_carry_the_new_counts(tmp_path: Path):
    from harness.results._record_file import write_record

    path, record = record_of(_task(4), tmp_path, "run", fail_on_error=False)
    broken = json.loads(path.read_text())
    del broken["samples"]["infra_errors"]
    with pytest.raises(ResultsError, match="infra_errors"):
        write_record(broken, tmp_path / "broken")
    old = json.loads(path.read_text()) | {"schema_version": 1}
    del old["samples"]["infra_errors"], old["infra_errors"], old["flaky_tests"]
    write_record(old, tmp_path / "old")  # version 1 records stay valid
