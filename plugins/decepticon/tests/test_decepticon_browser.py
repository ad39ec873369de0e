"""Episodes in real headless Chromium: the scripted policies on a task's treatment and control."""

from __future__ import annotations

import contextlib

from decepticon_testkit import DEBIAN_BROWSERS, require_browser, require_chromium, shop_task

from harness_decepticon._browser import CHROMIUM_ARGS, UNSEEN_UI_FEATURES, BrowserUnavailable, chromium_path
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


@pytest.mark.parametrize("name", DEBIAN_BROWSERS)
def test_chromium_still_gets_every_feature_playwright_disables(name):
    """Chromium keeps only the last --disable-features, so the one in CHROMIUM_ARGS repeats Playwright's own."""
    executable = require_browser(name)
    playwrights = _disabled_features(executable, [])
    ours = _disabled_features(executable, CHROMIUM_ARGS)
    assert playwrights and playwrights <= ours, sorted(playwrights - ours)
    assert set(UNSEEN_UI_FEATURES) <= ours


def _disabled_features(executable: str, args: list[str]) -> set[str]:
    """The features `executable` launched by Playwright with `args` actually disables (its last --disable-features)."""
    import psutil
    from playwright.sync_api import sync_playwright

    def browsers() -> set[int]:
        """Browser processes: started with the pipe and not a wrapper (Debian's headless shell is a script
        that runs the browser under the same arguments)."""
        found = {}
        for process in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):  # a renderer that just ended
                if "--remote-debugging-pipe" in process.cmdline():
                    found[process.pid] = process.ppid()
        return set(found) - set(found.values())

    before = browsers()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=args)
        try:
            (pid,) = browsers() - before
            switches = [a for a in psutil.Process(pid).cmdline() if a.startswith("--disable-features=")]
        finally:
            browser.close()
    return set(switches[-1].split("=", 1)[1].split(",")) if switches else set()


def test_chromium_path_prefers_the_headless_shell(tmp_path, monkeypatch):
    """$DECEPTICON_CHROMIUM first, then Debian's headless shell on PATH, then full Chromium."""
    for name in ("chromium", "chromium-headless-shell", "mine"):
        (tmp_path / name).write_text("#!/bin/sh\n")
        (tmp_path / name).chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("DECEPTICON_CHROMIUM", raising=False)
    assert chromium_path() == str(tmp_path / "chromium-headless-shell")
    monkeypatch.setenv("DECEPTICON_CHROMIUM", str(tmp_path / "mine"))
    assert chromium_path() == str(tmp_path / "mine")
    monkeypatch.delenv("DECEPTICON_CHROMIUM")
    (tmp_path / "chromium-headless-shell").unlink()
    assert chromium_path() == str(tmp_path / "chromium")
    (tmp_path / "chromium").unlink()
    with pytest.raises(BrowserUnavailable, match="apt-get install chromium-headless-shell"):
        chromium_path()
