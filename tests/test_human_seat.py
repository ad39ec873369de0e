"""A person in the seat, in a real headless Chromium, driving a real `harness eval` subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO

TASKS = REPO / "tests" / "data" / "seat" / "travel_chat.py"


class Run:
    """`harness eval` in the background, its stderr read as it comes (the seat's address is printed there)."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        env = {**os.environ, "HARNESS_MODEL": "mockllm/model"}
        self.logs = tmp_path / "logs"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "harness", "eval", *args, f"log_dir={self.logs}", "display=none"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def url(self, seconds: float = 120) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = [line for line in self.lines if line.startswith("http://127.0.0.1:") and "token=" in line]
            if found:
                assert len(found) == 1
                return found[0]
            assert self.process.poll() is None, "\n".join(self.lines)
            time.sleep(0.2)
        raise AssertionError("the seat's address was not printed:\n" + "\n".join(self.lines))

    def finish(self, seconds: float = 120) -> int:
        return self.process.wait(timeout=seconds)


def _chromium(playwright):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is needed (.ci/run installs it)")
    return playwright.chromium.launch(
        executable_path=chromium, headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    )


def _active_conversation(page) -> str:
    page.wait_for_function("document.getElementById('status').textContent.startsWith('Conversation')")
    return page.locator("#status").inner_text().split(" — ")[0].removeprefix("Conversation ")


def _send(page) -> None:
    """Press Send and wait until the page shows the next item (or none)."""
    item = page.locator("main").get_attribute("data-item")
    page.get_by_role("button", name="Send").click()
    page.wait_for_function(f"document.querySelector('main').dataset.item !== {item!r}")


@pytest.mark.slow
def test_a_person_answers_three_queued_conversations_with_a_reload_and_a_survey(tmp_path: Path):
    from inspect_ai.log import read_eval_log
    from playwright import sync_api

    run = Run(tmp_path, f"task={TASKS}@travel_chat", "model_roles.user=sim/human", "seat=web", "survey=default",
              "max_samples=3", "seat.timeout=120")
    url = run.url()
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url.split("?")[0])
    assert refused.value.code == 403
    typed: dict[str, list[str]] = {}
    with sync_api.sync_playwright() as playwright:
        browser = _chromium(playwright)
        page = browser.new_page()
        page.goto(url)
        for turn in range(6):
            conversation = _active_conversation(page)
            if turn == 0:
                assert "2 more waiting" in page.locator("#status").inner_text()  # three conversations queued
            if turn == 3:  # a reload in the middle: the same question is shown, nothing lost or repeated
                page.reload()
                assert _active_conversation(page) == conversation
            text = f"{conversation} answer {len(typed.get(conversation, [])) + 1}"
            page.get_by_role("textbox", name="Your reply").fill(text)
            _send(page)
            typed.setdefault(conversation, []).append(text)
        for _ in range(3):
            page.get_by_role("radiogroup").first.wait_for()
            for group in page.get_by_role("radiogroup").all():
                group.get_by_role("radio").nth(3).check()  # 4 on every 1-5 scale
            _send(page)
        browser.close()
    assert run.finish() == 0, "\n".join(run.lines)
    (location,) = run.logs.rglob("*.eval")
    log = read_eval_log(str(location))
    assert sorted(typed) == ["t1", "t2", "t3"] and all(len(v) == 2 for v in typed.values())
    for sample in log.samples:
        assert sample.output.completion == " | ".join(typed[str(sample.id)])
        seat = sample.store["harness.seat"]
        assert seat["occupant"] == "human:web" and [t["role"] for t in seat["turns"]] == ["agent", "user"] * 2
        survey = sample.store["harness.survey"]
        assert survey["occupant"] == "human:web" and set(survey["ratings"].values()) == {4.0}
        events = [e.data for e in sample.events if e.event == "info" and e.source == "user seat"]
        assert [e["text"] for e in events] == typed[str(sample.id)]
    assert not any(token in location.read_bytes() for token in [url.split("token=")[1].encode()])


@pytest.mark.slow
def test_a_seat_nobody_opens_ends_its_samples_with_a_clear_error(tmp_path: Path):
    started = time.monotonic()
    run = Run(tmp_path, f"task={TASKS}@travel_chat", "model_roles.user=sim/human", "seat=web", "seat.timeout=2",
              "limit=1", "fail_on_error=false")
    run.url()
    assert run.finish() == 0, "\n".join(run.lines)
    assert time.monotonic() - started < 120
    record = json.loads(next(run.logs.glob("*/results.json")).read_text())
    assert record["samples"]["errors"] == 1
    from inspect_ai.log import read_eval_log

    (sample,) = read_eval_log(record["inspect_log"]).samples
    assert "no reply from the human seat within 2 s" in sample.error.message


@pytest.mark.slow
def test_a_person_in_the_model_under_tests_place(tmp_path: Path):
    from inspect_ai.log import read_eval_log
    from playwright import sync_api

    run = Run(tmp_path, f"task={TASKS}@chat_with_a_person", "model=sim/human", "seat=web")
    url = run.url()
    with sync_api.sync_playwright() as playwright:
        browser = _chromium(playwright)
        page = browser.new_page()
        page.goto(url)
        _active_conversation(page)
        assert "You are the assistant" in page.locator("main").inner_text()
        assert "Say hello to the new colleague, Priya." in page.locator("main").inner_text()
        page.get_by_role("textbox", name="Your reply").fill("Welcome aboard, Priya!")
        page.get_by_role("button", name="Send").click()
        browser.close()
    assert run.finish() == 0, "\n".join(run.lines)
    record = json.loads(next(run.logs.glob("*/results.json")).read_text())
    assert record["metrics"][0]["value"] == 1.0
    (sample,) = read_eval_log(record["inspect_log"]).samples
    assert sample.output.completion == "Welcome aboard, Priya!"
    assert sample.store["harness.seat"]["seat"] == "agent"
