"""A person as the supporter: the browser seat in the model under test's place, in real headless Chromium."""

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


def _address(process: subprocess.Popen, lines: list[str], seconds: float = 180) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [line for line in lines if line.startswith("http://127.0.0.1:") and "token=" in line]
        if found:
            return found[0]
        assert process.poll() is None, "\n".join(lines)
        time.sleep(0.2)
    raise AssertionError("no seat address:\n" + "\n".join(lines))


@pytest.mark.slow
def test_a_person_supports_the_seeker_in_the_browser(tmp_path: Path):
    from inspect_ai.log import read_eval_log
    from playwright import sync_api

    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is needed (.ci/run installs it)")
    logs = tmp_path / "logs"
    process = subprocess.Popen(
        [sys.executable, "-m", "harness", "eval", "task=lend_an_ear", "model=sim/human", "seat=web",
         "simulator=lend_an_ear_seeker", "simulator.policy=scripted", "task.turns=2", "task.judge=lexical",
         "limit=1", f"log_dir={logs}", "display=none"],
        env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(line.rstrip() for line in process.stderr), daemon=True).start()
    replies = ["That sounds really hard. How are you feeling about it?", "It makes sense you feel that way."]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        page.goto(_address(process, lines))
        for reply in replies:
            page.get_by_role("textbox", name="Your reply").wait_for()
            assert "You are the assistant" in page.locator("main").inner_text()
            item = page.locator("main").get_attribute("data-item")
            page.get_by_role("textbox", name="Your reply").fill(reply)
            page.get_by_role("button", name="Send").click()
            page.wait_for_function(f"document.querySelector('main').dataset.item !== {item!r}")
        browser.close()
    assert process.wait(timeout=300) == 0, "\n".join(lines)
    record = json.loads(next(logs.glob("*/results.json")).read_text())
    (sample,) = read_eval_log(record["inspect_log"]).samples
    supporter = [m.text for m in sample.messages if m.role == "assistant"]
    assert supporter == replies  # the person's words are the model under test's turns
    alignment = next(m for m in record["metrics"] if m["scorer"] == "alignment")
    assert alignment["value"] > 0 and alignment["n"] == 1  # validating and inviting: constructive moves
