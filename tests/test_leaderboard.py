"""`harness leaderboard`: records → JSON/Markdown/HTML; the page checked in a real headless Chromium."""

from __future__ import annotations

import copy
import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_harness
from harness import load_run_config, run_eval
from harness.config._run_config import parse_overrides

ARTIFACTS = Path(os.environ.get("HARNESS_TEST_ARTIFACTS", REPO / "test-artifacts"))
EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> Path:
    """Real runs of two tasks, plus copies under other model names (one hostile), plus a bad file."""
    root = tmp_path_factory.mktemp("runs")
    for task in ("arithmetic", "capitals"):
        config = load_run_config(
            parse_overrides(
                [f"task={task}", "limit=4", "model=mockllm/model", f"log_dir={root / 'real'}", "display=none"]
            )
        )
        run_eval(config)
    for index, path in enumerate(sorted((root / "real").glob("*/results.json"))):
        record = json.loads(path.read_text())
        for name, value in (("alpha/model", 0.75), (EVIL, 0.25)):
            fake = copy.deepcopy(record)
            fake["model"], fake["run_id"] = name, f"fake{index}{value}".replace(".", "")
            fake["metrics"][0].update(value=value, ci95=[value - 0.2, value + 0.2])
            out = root / "copies" / f"{fake['run_id']}" / "results.json"
            out.parent.mkdir(parents=True)
            out.write_text(json.dumps(fake))
    (root / "copies" / "broken").mkdir()
    (root / "copies" / "broken" / "results.json").write_text("{not json")
    return root


def test_leaderboard_files_are_built_and_bad_records_skipped(records: Path, tmp_path: Path):
    result = run_harness("leaderboard", str(records), f"out={tmp_path / 'board'}")
    assert result.returncode == 0, result.stderr
    assert "skipped" in result.stderr and "broken" in result.stderr
    board = json.loads((tmp_path / "board" / "leaderboard.json").read_text())
    assert {e["task"] for e in board["entries"]} == {"arithmetic", "capitals"}
    assert len(board["entries"]) == 6 and len(board["skipped"]) == 1
    markdown = (tmp_path / "board" / "leaderboard.md").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown and EVIL not in markdown
    html = (tmp_path / "board" / "index.html").read_text()
    assert EVIL not in html  # the data is embedded with < escaped
    assert "http://" not in html and "https://" not in html  # nothing fetched at view time


def test_the_page_in_headless_chromium(records: Path, tmp_path: Path):
    from playwright import sync_api  # the test extra installs it

    chromium = shutil.which("chromium")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is needed (.ci/run installs it)")
        pytest.skip("no chromium on this workstation (apt-get install chromium)")
    assert run_harness("leaderboard", str(records), f"out={tmp_path / 'board'}").returncode == 0
    page_url = (tmp_path / "board" / "index.html").as_uri()
    errors, dialogs = [], []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(page_url)
        arithmetic = page.locator('div.task[data-task="arithmetic"] table')
        models = lambda: arithmetic.locator("tbody tr td.model summary").all_inner_texts()  # noqa: E731
        scores = lambda: [float(s) for s in arithmetic.locator("tbody tr td.score").all_inner_texts()]  # noqa: E731
        assert scores() == sorted(scores(), reverse=True)  # built best first
        arithmetic.locator("th", has_text="score").click()  # ascending
        assert scores() == sorted(scores())
        arithmetic.locator("th", has_text="model").click()
        assert models() == sorted(models())
        # the hostile model name is shown as text, not run
        assert EVIL in models()
        assert page.locator("script").count() == 2 and dialogs == []
        # filters
        page.select_option("#task-filter", "capitals")
        assert page.locator("div.task").count() == 1
        page.fill("#model-filter", "alpha")
        assert page.locator('div.task[data-task="capitals"] tbody tr').count() == 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.fill("#model-filter", "")
        page.select_option("#task-filter", "")
        page.screenshot(path=str(ARTIFACTS / "leaderboard.png"), full_page=True)
        browser.close()
    assert errors == []
    assert (ARTIFACTS / "leaderboard.png").stat().st_size > 10_000
