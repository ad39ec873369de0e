"""Model roles: the model under test, a simulated user and a judge are three models, each logged under its role."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import PluginDist, run_harness
import pytest

ROLES = PluginDist(
    "harness-test-roles",
    {"harness.tasks": {"interview": "roles_plugin:interview"}},
    {
        "roles_plugin/__init__.py": """\
            from inspect_ai import Task
            from inspect_ai.dataset import Sample
            from inspect_ai.scorer import model_graded_qa
            from inspect_ai.solver import generate, solver

            from harness.simulation import ask_user, simulated_user


            @solver
            def ask_then_answer(simulator):
                tool = ask_user(simulator)

                async def solve(state, generate_):
                    answer = await tool(question="Which unit should the total use?")
                    state.metadata["user_said"] = answer
                    return await generate_(state)

                return solve


            def interview(simulator=None):
                \"\"\"Ask the user once, then answer; judged by model_graded_qa.\"\"\"
                context = {"hidden_info": "Totals are in euros."}
                return Task(
                    dataset=[Sample(input="Give the total.", target="12 euros", metadata={"simulator_context": context})],
                    solver=[simulated_user(), ask_then_answer(simulator), generate()],
                    scorer=model_graded_qa(),
                )
        """,
    },
)


def test_user_judge_and_model_under_test_are_logged_under_their_roles(plugin_site, tmp_path: Path):
    from inspect_ai.log import read_eval_log

    site = plugin_site(ROLES)
    result = run_harness(
        "eval",
        "task=interview",
        "simulator=llm",
        "model=mockllm/agent",
        "model_roles.user=mockllm/user",
        "model_roles.grader=mockllm/grader",
        f"log_dir={tmp_path}",
        "display=none",
        site=site,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    record = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    assert record["params"]["model_roles"] == {"user": "mockllm/user", "grader": "mockllm/grader"}
    log = read_eval_log(record["inspect_log"])
    assert log.eval.model_roles and {r: m.model for r, m in log.eval.model_roles.items()} == {
        "user": "mockllm/user",
        "grader": "mockllm/grader",
    }
    calls = [(e.role, e.model) for e in log.samples[0].events if e.event == "model"]
    assert ("user", "mockllm/user") in calls  # the llm simulator answered as the user role
    assert ("grader", "mockllm/grader") in calls  # model_graded_qa judged as the grader role
    assert any(model == "mockllm/agent" and role is None for role, model in calls)  # the model under test
    assert set(record["tokens"]["by_model"]) >= {"mockllm/agent"}


@pytest.mark.slow
def test_a_simulator_model_argument_overrides_the_role(plugin_site, tmp_path: Path):
    from inspect_ai.log import read_eval_log

    site = plugin_site(ROLES)
    result = run_harness(
        "eval",
        "task=interview",
        "simulator=llm",
        "simulator.model=mockllm/explicit",
        "model=mockllm/agent",
        "model_roles.user=mockllm/user",
        f"log_dir={tmp_path}",
        "display=none",
        site=site,
    )
    assert result.returncode == 0, result.stderr
    log = read_eval_log(next(tmp_path.glob("*/*.eval")).as_posix())
    models = {e.model for e in log.samples[0].events if e.event == "model"}
    assert "mockllm/explicit" in models and "mockllm/user" not in models
