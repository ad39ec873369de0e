"""The distribution passes harness.testing's conformance checks (the task's case runs one sample in Chromium)."""

from __future__ import annotations

import pytest
from decepticon_testkit import require_chromium

from harness.testing import conformance_cases

CASES = conformance_cases(
    "plugeval-decepticon", own_task_only={"decepticon_agent", "decepticon_careful", "decepticon_naive"}
)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_entry_point_conforms(case):
    require_chromium()
    case.check()
