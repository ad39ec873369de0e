"""Every entry point passes harness.testing's conformance checks (each runs one sample on mockllm)."""

from __future__ import annotations

import pytest

from harness.testing import conformance_cases

CASES = conformance_cases(
    "plugeval-lend-an-ear",
    args={"lend_an_ear": {"judge": "lexical", "turns": 2}, "lend_an_ear_seeker": {"policy": "scripted"}},
)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_entry_point_conforms(case):
    case.check()
