"""Every entry point passes harness.testing's conformance checks (the task's case runs one session on mockllm)."""

from __future__ import annotations

import pytest

from harness.testing import conformance_cases

CASES = conformance_cases(
    "plugeval-stateful-swe",
    args={"stateful_swe": {"sandbox": "local", "sessions": 1}, "stateful_swe_user": {"mode": "scripted"}},
    own_task_only={
        "stateful_swe_outcome",
        "stateful_swe_no_memory",
        "stateful_swe_bm25",
        "stateful_swe_tom",
        "stateful_swe_scripted_applier",
        "stateful_swe_scripted_ignorer",
    },
)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_entry_point_conforms(case):
    case.check()
