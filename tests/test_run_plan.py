"""The run plan is data that crosses processes whole; the harness picks fast settings for light runs."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Annotated

import pytest
from pydantic import Field

from conftest import run_harness
from harness import PluginNotFoundError, load_run_config, parse_overrides, plan
from harness.plugins import _known
from harness.run import _plan as _plan_module
from harness.run import _tuning
from harness.run._inspect_call import announces_foreign_hooks


def _plan(*tokens: str):
    return plan(load_run_config(parse_overrides(list(tokens))))


def test_a_plan_pickles_and_builds_its_task_where_it_lands_without_resolving_again(monkeypatch):
    original = _plan("task=capitals", "limit=3", "scorer=match", "scorer.location=any", "solver=system_message",
                     "solver.message=Be brief.", "model=mockllm/model")
    copy = pickle.loads(pickle.dumps(original))
    assert "task" not in copy.__dict__  # the live task stayed behind

    def no_planning(*args, **kwargs):
        raise AssertionError("planned again")

    monkeypatch.setattr(_plan_module, "resolve_component", no_planning)
    monkeypatch.setattr(_plan_module, "plan", no_planning)
    assert copy.task.name == original.task.name == "capitals"
    assert len(copy.task.dataset) == len(original.task.dataset)
    assert copy.solver is not None and copy.components == original.components
    assert copy.inspect_args == original.inspect_args and copy.execution == original.execution


def test_a_yaml_task_plan_builds_from_its_file_after_pickling():
    original = _plan("task=tasks/sentiment.yaml", "model=mockllm/model")
    copy = pickle.loads(pickle.dumps(original))
    assert copy.task.name == original.task.name
    assert [s.input for s in copy.task.dataset] == [s.input for s in original.task.dataset]


def test_a_label_and_a_log_dir_keep_the_built_task():
    original = _plan("task=capitals", "model=mockllm/model")
    built = original.task
    labelled = original.with_label("capitals[x=1]")
    assert labelled.task is built and labelled.task.name == "capitals[x=1]"
    moved = labelled.with_log_dir("/tmp/elsewhere")
    assert moved.task is built and moved.log_dir == "/tmp/elsewhere"
    assert moved.config.options["log_dir"] == "/tmp/elsewhere"


class _Task:
    def __init__(self, size: int, sandbox=None, metadata=None):
        self.dataset = list(range(size))
        self.sandbox = sandbox
        self.metadata = metadata or {}


@pytest.mark.parametrize(
    ("options", "task", "workers", "chosen"),
    [
        ({}, _Task(1000), 4, {"workers=4"}),  # a light run of many samples: one worker per core
        ({}, _Task(50), 1, set()),  # too few samples to pay for workers
        ({"workers": "auto"}, _Task(150), 1, {"workers=1"}),  # at most one worker per 100 samples
        ({"workers": 1}, _Task(1000), 1, set()),  # the user's choice stands
        ({"workers": "auto"}, _Task(1000, sandbox="docker"), 4, {"retry_on_error=2"}),  # heavy: auto is cores
        ({}, _Task(1000, metadata={"harness_heavy": "browser"}), 1, {"retry_on_error=2"}),
        ({"infra_retries": 0}, _Task(10, sandbox="docker"), 1, set()),
    ],
)
def test_execution_rules(monkeypatch, options, task, workers, chosen):
    monkeypatch.setattr(_tuning.os, "cpu_count", lambda: 4)
    execution, args = _tuning.execution_for(options, {}, task)
    assert execution.workers == workers
    assert set(execution.tuned) == chosen
    assert ("retry_on_error" in args) == ("retry_on_error=2" in chosen)


def test_light_runs_get_samples_above_connections_and_no_realtime_log_under_display_none(monkeypatch):
    monkeypatch.setattr(_tuning.os, "cpu_count", lambda: 1)
    _, args = _tuning.execution_for({}, {"max_connections": 50, "display": "none"}, _Task(10))
    assert args["max_samples"] == 100 and args["log_realtime"] is False
    _, given = _tuning.execution_for({}, {"max_connections": 50, "max_samples": 7, "log_realtime": True}, _Task(10))
    assert given["max_samples"] == 7 and given["log_realtime"] is True
    _, heavy = _tuning.execution_for({}, {"max_connections": 50, "display": "none"}, _Task(10, sandbox="docker"))
    assert "max_samples" not in heavy and "log_realtime" not in heavy


def test_bad_execution_settings_are_config_errors():
    from harness import ConfigError

    with pytest.raises(ConfigError, match="workers must be a positive integer"):
        _tuning.execution_for({"workers": 0}, {}, _Task(1))
    with pytest.raises(ConfigError, match="executor must be one of local, ray"):
        _tuning.execution_for({"executor": "dask"}, {}, _Task(1))


def test_a_task_of_a_known_package_that_is_not_installed_names_the_pip_line(monkeypatch):
    missing = _known.KnownPackage("plugeval-not-here", "plugins/not_here", tasks=("not_here_task",))
    monkeypatch.setattr(_known, "KNOWN_PACKAGES", (*_known.KNOWN_PACKAGES, missing))
    with pytest.raises(PluginNotFoundError) as raised:
        _plan("task=not_here_task", "model=mockllm/model")
    assert "pip install plugeval-not-here" in str(raised.value)
    assert "pip install -e plugins/not_here" in str(raised.value)


def test_inspect_banner_is_shown_only_for_other_peoples_hooks():
    ours = "inspect_ai v0.3.285\n- hooks enabled: 2\n  plugeval: Calls harness_sample_end hooks\n  plugeval-shard: x\n"
    assert not announces_foreign_hooks(ours)
    assert announces_foreign_hooks(ours + "  audit: copies logs to S3\n")
    assert announces_foreign_hooks("inspect_ai v0.3.285\n- telemetry enabled: mypkg.send\n")
    # rich wraps a long description onto an unindented line (80 columns when output is not a terminal)
    wrapped = ("inspect_ai v0.3.285\n- hooks enabled: 2\n  plugeval-progress: Prints one-line progress when "
               "plugeval's output is not a \nterminal.\n  plugeval: Calls harness_sample_end hooks.\n")
    assert not announces_foreign_hooks(wrapped)
    assert not announces_foreign_hooks("inspect_ai v0.3.285\n- hooks enabled: 0\n\n")


def test_a_run_prints_one_results_panel_and_no_hooks_banner(tmp_path: Path):
    result = run_harness("eval", "task=capitals", "limit=2", "model=mockllm/model", f"log_dir={tmp_path}")
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "hooks enabled" not in output
    assert output.count("95% CI") >= 1
    # inspect's own panel names the task and model in a box; the harness prints its panel once
    assert output.count("accuracy") == 1, output
    results_line = next(line for line in result.stdout.splitlines() if line.startswith("results: "))
    assert Path(results_line.removeprefix("results: ")).is_absolute()


def test_a_task_file_with_a_syntax_error_names_file_and_line(tmp_path: Path):
    from harness import ConfigError

    broken = tmp_path / "broken_task.py"
    broken.write_text("from inspect_ai import Task, task\n\n\n@task\ndef broken(:\n    return Task()\n")
    with pytest.raises(ConfigError, match=rf"inspect task file {broken}:5: invalid syntax \(def broken\(:\); fix the file"):
        _plan(f"task={broken}", "model=mockllm/model")


def test_plugin_parameters_declare_ranges_and_units_in_their_signature():
    from harness import ConfigError
    from harness.config._validation import validate
    from harness.plugins._params import params_schema

    def factory(
        pool_size: Annotated[int, Field(ge=1, le=64)] = 2,
        memory: Annotated[str, Field(pattern=r"^[0-9]+[kmg]$")] = "2g",
        limit: Annotated[int, Field(ge=0)] | None = None,
    ) -> None:
        """A plugin factory with constrained parameters."""

    schema = params_schema(factory)
    assert schema["properties"]["pool_size"]["minimum"] == 1
    validate({"pool_size": 3, "memory": "512m", "limit": None}, schema, prefix="task.")
    with pytest.raises(ConfigError, match="'task.pool_size' must be at least 1, got -3"):
        validate({"pool_size": -3}, schema, prefix="task.")
    with pytest.raises(ConfigError, match="'task.memory': 'lots' does not match"):
        validate({"memory": "lots"}, schema, prefix="task.")


@pytest.mark.parametrize(
    "overrides, named",
    [
        (["simulator.max_tokens=30"], "simulator.max_tokens set but no simulator chosen"),
        (["solver.turns=3", "solver.budget=2"], "solver.budget, solver.turns set but no solver chosen"),
        (["scorer.path=x.yaml"], "scorer.path set but no scorer chosen"),
        # in the model's place a simulator takes seat= settings; simulator.* belongs to the task's user
        (["simulator.top_k=1", "model=sim/oracle"], "simulator.top_k set but no simulator chosen"),
    ],
)
def test_settings_of_a_component_nobody_chose_are_an_error_not_ignored(overrides, named):
    from harness import ConfigError

    config = load_run_config(parse_overrides(["task=arithmetic", "model=mockllm/model", *overrides]))
    with pytest.raises(ConfigError, match=f"{named}.*add {overrides[0].split('.')[0]}=NAME"):
        plan(config)


def test_simulator_settings_reach_a_simulator_seated_as_a_role_without_simulator_named():
    config = load_run_config(
        parse_overrides(["task=arithmetic", "model=mockllm/model", "model_roles.user=sim/oracle", "simulator.top_k=1"])
    )
    assert plan(config).model_roles["user"] == {"model": "sim/oracle", "model_args": {"top_k": 1}}
