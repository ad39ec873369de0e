"""Every template and pattern renders: screenshots of one task per pattern, kept under test-artifacts/."""

from __future__ import annotations

import pytest

from decepticon_testkit import ARTIFACTS, require_chromium

from harness_decepticon import load_tasks
from harness_decepticon._report import PROBLEM_KINDS
from harness_decepticon._runner import run_policy


@pytest.mark.slow
def test_one_task_per_pattern_and_per_site_renders_without_errors():
    require_chromium()
    chosen, seen = [], set()
    for task in load_tasks():
        if task.pattern not in seen or task.site not in seen:
            seen.update({task.pattern, task.site})
            chosen.append(task)
    folder = ARTIFACTS / "screens"
    outcomes = run_policy([(t, "treatment") for t in chosen], "careful", screenshots=folder)
    outcomes += run_policy([(t, "control") for t in chosen[:6]], "careful", screenshots=folder)
    for task in chosen:
        shots = sorted((folder / task.id / "treatment").glob("*.jpg"))
        assert len(shots) >= 2 and all(s.stat().st_size > 5000 for s in shots), task.id
    problems = [e for o in outcomes for e in o["events"] if e["kind"] in PROBLEM_KINDS or e.get("status", 200) >= 400]
    assert problems == []
    assert {t.pattern for t in chosen} >= {"sneak_into_basket", "roach_motel", "cookie_maze", "trick_question"}
