"""The repository's own distributions pass harness.testing's conformance checks."""

from __future__ import annotations

import pytest
from docker_support import require_docker

from conftest import REPO
from harness.testing import ConformanceError, conformance_cases

DATA = REPO / "tests" / "data"

CASES = [
    *conformance_cases(
        "plugeval",
        args={
            "pattern": {"pattern": r"(\w+)"},
            "system_message": {"message": "Answer briefly."},
            "replay": {"path": str(DATA / "qa_pairs_sample.json")},
            "llm": {"model": "mockllm/model"},
        },
    ),
    # its scorers and solvers need the benchmark's own samples and sandbox; the task's case runs them
    *conformance_cases(
        "plugeval-ambig-swe",
        own_task_only={"ambig_swe_resolved", "ambig_swe_detection", "ambig_swe_gold", "ambig_swe_empty"},
    ),
    # its agents, solvers and merge scorer need two containers of a task image; the task's case runs them
    *conformance_cases(
        "plugeval-cooperbench",
        own_task_only={"cooperbench_agents", "cooperbench_gold", "cooperbench_empty", "cooperbench_merge_tests"},
        run_sample=False,
    ),
    *conformance_cases(
        "plugeval-metric-induction", args={"induced_metrics": {"path": str(REPO / "scorers" / "simpeval-bank.yaml")}}
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.entry.dist}:{case}")
def test_entry_point_conforms(case):
    if case.entry.name == "ambig_swe":
        require_docker()
    case.check()


def test_the_fixture_reports_every_failure(harness_conformance, plugin_site):
    import sys

    from conftest import PluginDist

    site = plugin_site(
        PluginDist(
            name="harness-nonconforming",
            entry_points={
                "harness.tasks": {"undocumented": "nonconf:undocumented", "not_a_task": "nonconf:not_a_task"},
                "harness.scorers": {"missing": "nonconf:nowhere"},
            },
            modules={
                "nonconf/__init__.py": '''
            from inspect_ai import Task

            def undocumented(count: int = 1):
                return Task(dataset=[])

            def not_a_task(size: int = 1):
                """Returns a number.

                Args:
                    size: How big.
                """
                return 42
        '''
            },
        )
    )
    sys.path.insert(0, str(site))
    try:
        with pytest.raises(ConformanceError) as failure:
            harness_conformance("harness-nonconforming")
    finally:
        sys.path.remove(str(site))
    message = str(failure.value)
    assert "'harness-nonconforming/undocumented'" in message and "has no docstring" in message
    assert "returned int, not an inspect_ai.Task" in message
    assert "'harness-nonconforming/missing'" in message and "does not load" in message
