"""A provider that fails 30% of calls: the record agrees with the log, names the cause and counts retries."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import PluginDist, run_harness
import pytest

FLAKY = PluginDist(
    "harness-test-flaky",
    {"harness.tasks": {"flaky_qa": "flaky_plugin:flaky_qa"}, "inspect_ai": {"flaky": "flaky_plugin.provider"}},
    {
        "flaky_plugin/__init__.py": """\
            from inspect_ai import Task
            from inspect_ai.dataset import Sample
            from inspect_ai.scorer import includes


            def flaky_qa(n: int = 30):
                \"\"\"Questions answered by whatever the model says.\"\"\"
                return Task(dataset=[Sample(id=i, input=f"q{i}", target="ok") for i in range(n)], scorer=includes())
        """,
        "flaky_plugin/provider.py": """\
            import itertools

            from inspect_ai.model import ModelAPI, ModelOutput, modelapi
            from tenacity import wait_fixed


            class FlakyError(RuntimeError):
                pass


            @modelapi(name="flaky")
            class Flaky(ModelAPI):
                \"\"\"Fails calls 1, 4, 7, ... (30%) with FlakyError; answers `ok` otherwise.\"\"\"

                calls = itertools.count()

                def __init__(self, model_name, base_url=None, api_key=None, config=None, **model_args):
                    super().__init__(model_name, base_url, api_key, [], config)

                async def generate(self, input, tools, tool_choice, config):
                    if next(self.calls) % 10 in (1, 4, 7):
                        raise FlakyError("provider down (call refused)")
                    return ModelOutput.from_content(self.model_name, "ok")

                def should_retry(self, ex):
                    return isinstance(ex, FlakyError)

                def retry_wait(self):
                    return wait_fixed(0)
        """,
    },
)


def _log_facts(location: str) -> tuple[int, int, int]:
    from inspect_ai.log import read_eval_log

    log = read_eval_log(location)
    scored = sum(1 for s in log.samples if s.scores and s.error is None)
    sample_retries = sum(len(s.error_retries or []) for s in log.samples)
    model_retries = sum((e.retries or 0) + (e.error is not None) for s in log.samples for e in s.events if e.event == "model")
    return scored, sample_retries, model_retries


@pytest.mark.slow
def test_sample_retries_only(plugin_site, tmp_path: Path):
    site = plugin_site(FLAKY)
    result = run_harness(
        "eval", "task=flaky_qa", "model=flaky/x", "max_retries=0", "retry_on_error=3", "max_samples=1",
        "display=none", f"log_dir={tmp_path}", site=site,
    )
    record = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    scored, sample_retries, model_retries = _log_facts(record["inspect_log"])
    assert scored > 0 and record["samples"]["completed"] == scored  # never 0 while the log holds scores
    assert record["retries"] == {"samples": sample_retries, "model_calls": model_retries}
    assert sample_retries > 0
    assert record["metrics"] and 0 < record["metrics"][0]["n"] <= 30
    if record["status"] == "error":
        assert result.returncode == 1  # a failed run, not bad input
        assert record["error"].startswith("FlakyError") or "FlakyError" in record["error"]
        assert "RetryError" not in record["error"] and "Future at" not in record["error"]
        assert "completed" in record["metrics"][0]["note"]


@pytest.mark.slow
def test_model_call_retries_are_counted(plugin_site, tmp_path: Path):
    site = plugin_site(FLAKY)
    result = run_harness("eval", "task=flaky_qa", "model=flaky/x", "display=none", f"log_dir={tmp_path}", site=site)
    assert result.returncode == 0, result.stderr
    record = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    scored, sample_retries, model_retries = _log_facts(record["inspect_log"])
    assert record["samples"]["completed"] == scored == 30
    assert record["retries"] == {"samples": 0, "model_calls": model_retries} and model_retries >= 9


@pytest.mark.slow
def test_a_run_that_ends_in_error_still_reports_what_completed(plugin_site, tmp_path: Path):
    site = plugin_site(FLAKY)
    result = run_harness(
        "eval", "task=flaky_qa", "model=flaky/x", "max_retries=0", "max_samples=1", "display=none",
        f"log_dir={tmp_path}", site=site,
    )
    assert result.returncode == 1, result.stderr  # a failed run, not bad input (2)
    record = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    assert record["status"] == "error"
    assert record["error"] == "FlakyError: provider down (call refused)"  # the root cause, not RetryError(<Future>)
    scored, _, _ = _log_facts(record["inspect_log"])
    assert record["samples"]["completed"] == scored and record["samples"]["errors"] >= 1
    if scored:
        (metric,) = record["metrics"]
        assert metric["n"] == scored and metric["value"] == 1.0 and "completed" in metric["note"]
