"""Faults of the browser are infrastructure errors with Playwright's own message, never the agent's failure."""

from __future__ import annotations

import re
import threading

import pytest
from decepticon_testkit import SHOP, require_chromium, shop_task
from inspect_ai import eval as inspect_eval

from harness import InfraError
from harness_decepticon import decepticon, naive_solver
from harness_decepticon import _episode
from harness_decepticon._browser import browser_service
from harness_decepticon._episode import Episode
from harness_decepticon._server import SiteServer


class HangingSite(SiteServer):
    """A site whose server stops answering once `hang` is set (until `release` is)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hang = threading.Event()
        self.release = threading.Event()

    def handle(self, method, target, body):
        if self.hang.is_set():
            self.release.wait(30)
        return super().handle(method, target, body)


@pytest.fixture
def shorten(monkeypatch):
    """Call it to make the browser's timeouts 700 ms from then on (a loaded machine still opens pages first)."""
    require_chromium()

    def now() -> None:
        monkeypatch.setattr(_episode, "NAVIGATION_TIMEOUT_MS", 700)
        monkeypatch.setattr(_episode, "ACTION_TIMEOUT_MS", 700)

    return now


def _episode_on(site_hangs_at_start: bool):
    episode = Episode(shop_task(), "control")
    episode.server = HangingSite(episode.task, "control")
    if site_hangs_at_start:
        episode.server.hang.set()
    return episode


def test_a_page_load_that_times_out_is_an_infra_error_with_playwrights_message(shorten):
    shorten()
    episode = _episode_on(site_hangs_at_start=True)

    async def start():
        try:
            await episode.open()
        finally:
            episode.server.release.set()
            await episode.close()

    loading = r"could not load http://127\.0\.0\.1:\d+/: Page\.goto: Timeout 700ms"
    with pytest.raises(InfraError, match=loading) as caught:
        browser_service().call(start, timeout=60)
    assert type(caught.value.__cause__).__name__ == "TimeoutError"  # raised from Playwright's own error


def test_a_click_whose_page_never_comes_is_an_infra_error_not_a_missing_element(shorten):
    episode = _episode_on(site_hangs_at_start=False)

    async def click_through():
        try:
            page = await episode.open()
            kettle = next(c for c in page.controls if c.name == "View Blue Kettle")
            shorten()
            episode.server.hang.set()
            await episode.click(kettle.ref)
        finally:
            episode.server.release.set()
            await episode.close()

    with pytest.raises(InfraError) as caught:
        browser_service().call(click_through, timeout=60)
    message = str(caught.value)
    assert "Timeout 700ms exceeded" in message and "no longer on the page" not in message


@pytest.mark.slow
def test_an_infra_error_ends_the_sample_as_an_error_in_the_log(monkeypatch, tmp_path):
    require_chromium()
    # Almost no start page loads in 1 ms; on the rare run where one does, the click that follows
    # (it waits for the next page on the same timeout) is the fault instead.
    monkeypatch.setattr(_episode, "NAVIGATION_TIMEOUT_MS", 1)
    task = decepticon(tasks=SHOP, variant="control")
    log = inspect_eval(task, solver=naive_solver(), model="mockllm/model", display="none", log_dir=str(tmp_path))[0]
    assert log.status == "error"
    sample = log.samples[0]
    assert sample.error is not None and "InfraError" in sample.error.traceback
    faults = r"(Page\.goto|Locator\.click): Timeout 1ms exceeded|no new page within 1 ms"
    assert re.search(faults, sample.error.message)
    assert not sample.scores  # not scored as the policy's failure
