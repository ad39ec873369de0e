"""Bad input: clear errors (exit code 2 from the CLI) or a scored failure, never a hung run."""

from __future__ import annotations

import json

import pytest
from decepticon_testkit import DATA, harness_cli, require_chromium, scripted_model
from inspect_ai import eval as inspect_eval

from harness import ConfigError
from harness_decepticon import decepticon, load_tasks


def _task_file(tmp_path, **changes):
    document = json.loads((DATA / "shop_sneak.json").read_text())
    for key, value in changes.items():
        if value is None:
            document.pop(key, None)
        else:
            document[key] = value
    path = tmp_path / "task.json"
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"category": "dark_magic"}, "category: 'dark_magic' is not one of"),
        ({"goal": None}, "'goal' is a required property"),
        ({"max_steps": 0}, "max_steps: 0 is less than the minimum of 1"),
        ({"success": {"path": "order.placed", "equals": "yes"}}, "success: not a valid condition"),
        ({"start_page": "checkout"}, "start_page: 'checkout' does not match"),
    ],
)
def test_schema_violations_name_the_task_and_field(tmp_path, changes, expected):
    with pytest.raises(ConfigError) as error:
        load_tasks(_task_file(tmp_path, **changes))
    assert "task.json task 0" in str(error.value) and expected in str(error.value)


def test_a_success_condition_that_can_never_hold_is_refused(tmp_path):
    path = _task_file(
        tmp_path, success={"all": [{"path": "order.shipped", "eq": "yes"}, {"path": "cart", "contains": "kettle"}]}
    )
    with pytest.raises(ConfigError, match="success can never hold: no form on site shop sets state 'order.shipped'"):
        load_tasks(path)
    unreachable_page = _task_file(tmp_path, success={"visited": "/receipt"})
    with pytest.raises(ConfigError, match="needs a visit to /receipt, which is not a page of site shop"):
        load_tasks(unreachable_page)


def test_other_bad_task_files(tmp_path):
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(ConfigError, match="broken.json: not readable JSON"):
        load_tasks(tmp_path / "broken.json")
    with pytest.raises(ConfigError, match="no such file or directory"):
        load_tasks(tmp_path / "missing.json")
    with pytest.raises(ConfigError, match="site 'nowhere' is neither a shipped site"):
        load_tasks(_task_file(tmp_path, site="nowhere"))
    with pytest.raises(ConfigError, match="template 'patterns/nope.html' not found"):
        load_tasks(_task_file(tmp_path, injection={"slots": {"product_offer": "patterns/nope.html"}}))


def test_bad_task_settings_are_config_errors():
    require_chromium()
    with pytest.raises(ConfigError, match="unknown category 'sneeking' \\(did you mean sneaking\\?\\)"):
        decepticon(categories=["sneeking"])
    with pytest.raises(ConfigError, match="task.patterns: unknown pattern"):
        decepticon(patterns=["nagging"])
    with pytest.raises(ConfigError, match="no DECEPTICON task matches"):
        decepticon(categories=["obstruction"], patterns=["countdown"])


@pytest.mark.slow
def test_the_cli_turns_bad_input_into_one_line_and_exit_code_2(tmp_path):
    result = harness_cli(
        "eval", "task=decepticon", f"task.tasks={_task_file(tmp_path, max_steps=-1)}", "model=mockllm/model"
    )
    assert result.returncode == 2
    assert "max_steps: -1 is less than the minimum of 1" in result.stderr
    missing_browser = harness_cli(
        "eval", "task=decepticon", "model=mockllm/model", env={"DECEPTICON_CHROMIUM": str(tmp_path / "no-chrome")}
    )
    assert missing_browser.returncode == 2
    assert "is not an executable file" in missing_browser.stderr
    generate = harness_cli("decepticon", "generate", "--per-category", "0")
    assert generate.returncode == 2 and "--per-category must be at least 1" in generate.stderr
    slots = harness_cli("eval", "task=decepticon", "model=mockllm/model", env={"DECEPTICON_ACTIONS": "lots"})
    assert slots.returncode == 2 and "DECEPTICON_ACTIONS='lots': must be a whole number" in slots.stderr
    check = harness_cli("decepticon", "check", "--concurrency", "0")
    assert check.returncode == 2 and "--concurrency must be at least 1" in check.stderr


def test_the_step_budget_ends_an_agent_that_never_stops(tmp_path):
    require_chromium()
    model = scripted_model(*[("snapshot", {})] * 10)
    task = decepticon(tasks=str(DATA / "shop_sneak.json"), variant="control", max_steps=3)
    log = inspect_eval(task, model=model, display="none", log_dir=str(tmp_path))[0]
    score = log.samples[0].scores["decepticon_outcome"]
    assert score.value["steps"] == 3.0
    assert "step budget used up" in score.explanation
