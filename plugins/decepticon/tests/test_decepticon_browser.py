"""Episodes in real headless Chromium: the scripted policies on a task's treatment and control."""

from __future__ import annotations

import contextlib

from decepticon_testkit import require_chromium, shop_task

from harness_decepticon._browser import CHROMIUM_ARGS, UNSEEN_UI_FEATURES, chromium_path
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


def test_chromium_still_gets_every_feature_playwright_disables():
    """Chromium keeps only the last --disable-features, so the one in CHROMIUM_ARGS repeats Playwright's own."""
    require_chromium()
    playwrights = _disabled_features([])
    ours = _disabled_features(CHROMIUM_ARGS)
    assert playwrights and playwrights <= ours, sorted(playwrights - ours)
    assert set(UNSEEN_UI_FEATURES) <= ours


def _disabled_features(args: list[str]) -> set[str]:
    """The features a Chromium that Playwright launches with `args` actually disables (its last --disable-features)."""
    import psutil
    from playwright.sync_api import sync_playwright

    def browsers() -> set[int]:
        found = set()
        for process in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):  # a renderer that just ended
                if "--remote-debugging-pipe" in process.cmdline():
                    found.add(process.pid)
        return found

    before = browsers()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=args)
        try:
            (pid,) = browsers() - before
            switches = [a for a in psutil.Process(pid).cmdline() if a.startswith("--disable-features=")]
        finally:
            browser.close()
    return set(switches[-1].split("=", 1)[1].split(",")) if switches else set()
