"""The distribution passes harness.testing's conformance checks (loads, builds, runs a sample, documents)."""

from __future__ import annotations

from pathlib import Path

from harness.testing import conformance_cases
from lm_eval_support import write_tasks


def test_entry_points_conform(tmp_path: Path) -> None:
    tasks_dir = write_tasks(tmp_path / "tasks")
    args = {"lm_eval": {"name": "tiny_gsm", "include_path": str(tasks_dir)}}
    cases = conformance_cases("plugeval-lm-eval", args=args)
    assert [str(case) for case in cases] == ["task:lm_eval"]
    for case in cases:
        case.check()
