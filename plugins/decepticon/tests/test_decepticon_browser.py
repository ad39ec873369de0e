"""Episodes in real headless Chromium: the scripted policies on a task's treatment and control."""

from __future__ import annotations

from decepticon_testkit import require_chromium, shop_task

from harness_decepticon._runner import run_policy
import pytest


@pytest.mark.slow
def test_careful_avoids_and_naive_falls_for_the_sneaked_item():
    require_chromium()
    task = shop_task()
    runs = [(task, "treatment"), (task, "control")]
    careful = run_policy(runs, "careful")
    naive = run_policy(runs, "naive")
    assert [(o["success"], o["dp"]) for o in careful] == [(True, False), (True, False)]
    assert [(o["success"], o["dp"]) for o in naive] == [(True, True), (True, False)]
    sneaked = naive[0]["state"]["cart"]
    assert sneaked == ["kettle", "plan"]
    assert not [e for e in careful[0]["events"] if e["kind"] in ("console", "pageerror")]
