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
        # the overall view: every model ran both 0-1 boards, so all three are in it, with n and CI
        assert page.locator("#overall-table tbody tr").count() == 3
        assert "95% CI" in page.locator("#overall-table thead").inner_text()
        # the expanded row shows task parameters, roles and links to the run's files (relative, no scheme)
        first = arithmetic.locator("tbody tr").first
        first.locator("summary").click()
        assert "task parameters: none" in first.inner_text()
        hrefs = first.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert len(hrefs) == 2 and all(":" not in h for h in hrefs)
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


def _variant(base: Path, out: Path, **changes) -> Path:
    """A copy of a real record with some fields changed (model, run id, metrics, task args...)."""
    record = json.loads(base.read_text())
    params = changes.pop("task_args", None)
    if params is not None:
        record["params"]["task_args"] = params
    record.update(changes)
    path = out / record["run_id"] / "results.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(record))
    return path


def _metric(scorer: str, name: str, value: float, ci: list[float] | None, method: str = "wilson") -> dict:
    return {"scorer": scorer, "name": name, "value": value, "stderr": 0.05, "ci95": ci, "n": 10, "ci_method": method}


def test_only_comparable_numbers_share_a_table(records: Path, tmp_path: Path):
    real = sorted((records / "real").glob("*/results.json"))
    capitals = next(p for p in real if json.loads(p.read_text())["task"]["name"] == "capitals")
    runs = tmp_path / "runs"
    # an induced metric set on a human-score scale, first in time: it is the board's primary metric...
    _variant(capitals, runs, run_id="induced", model="judge/model", completed_at="2026-01-01T00:00:00+00:00",
             metrics=[_metric("induced_metrics", "composite/mean", 76.6, [70.0, 83.0], "t")], primary_metric=None)
    # ...so a later includes/accuracy run of the same board is listed apart, not ranked against 76.6
    _variant(capitals, runs, run_id="plain", model="plain/model", completed_at="2026-01-02T00:00:00+00:00",
             metrics=[_metric("includes", "accuracy", 1.0, [0.72, 1.0])], primary_metric=None)
    # the same task with a benchmark parameter is another board
    for model, value, ci in (("a/strong", 0.9, [0.8, 0.97]), ("b/close", 0.85, [0.75, 0.93]), ("c/weak", 0.2, [0.1, 0.35])):
        for setting in ("full", "interactive"):
            _variant(capitals, runs, run_id=f"{model[0]}-{setting}", model=model, task_args={"setting": setting},
                     metrics=[_metric("includes", "accuracy", value if setting == "full" else value / 2,
                                      ci if setting == "full" else [c / 2 for c in ci])],
                     primary_metric={"scorer": "includes", "name": "accuracy", "declared": True})
    result = run_harness("leaderboard", str(runs), f"out={tmp_path / 'board'}")
    assert result.returncode == 0, result.stderr
    board = json.loads((tmp_path / "board" / "leaderboard.json").read_text())
    by_board = {}
    for entry in board["entries"]:
        by_board.setdefault(entry["board"], []).append(entry)
    assert set(by_board) == {"capitals", 'capitals[setting="full"]', 'capitals[setting="interactive"]'}
    plain = {e["model"]: e for e in by_board["capitals"]}
    assert (plain["judge/model"]["metric"], plain["judge/model"]["rank"]) == ("composite/mean", 1)
    assert plain["plain/model"]["ranked"] is False and plain["plain/model"]["rank"] is None
    full = {e["model"]: e["rank"] for e in by_board['capitals[setting="full"]']}
    assert full == {"a/strong": 1, "b/close": 1, "c/weak": 3}  # overlapping CIs tie; c is below both
    overall = board["overall"]
    assert overall["boards"] == ['capitals[setting="full"]', 'capitals[setting="interactive"]']
    assert "capitals" in overall["left_out"]  # not a 0-1 rate for everyone, and not run by every model
    strong = next(r for r in overall["rows"] if r["model"] == "a/strong")
    assert strong["value"] == pytest.approx((0.9 + 0.45) / 2) and strong["n"] == 20 and strong["ci95"][0] < strong["value"]
    assert all(entry["task_args"] is not None and entry["results_href"] for entry in board["entries"])
    markdown = (tmp_path / "board" / "leaderboard.md").read_text()
    assert "| =1 | a/strong |" in markdown and "not ranked" in markdown and "## Overall" in markdown


def test_unreadable_records_are_skipped_and_a_missing_path_is_an_error(records: Path, tmp_path: Path):
    real = sorted((records / "real").glob("*/results.json"))[0]
    runs = tmp_path / "runs"
    _variant(real, runs, run_id="good")
    (runs / "latin1").mkdir()
    (runs / "latin1" / "results.json").write_bytes(b'{"model": "caf\xe9"}')
    (runs / "deep").mkdir()
    (runs / "deep" / "results.json").write_text("[" * 100_000 + "]" * 100_000)
    (runs / "nan").mkdir()
    (runs / "nan" / "results.json").write_text(real.read_text().replace('"value": 0.0', '"value": NaN', 1))
    result = run_harness("leaderboard", str(runs), f"out={tmp_path / 'board'}")
    assert result.returncode == 0, result.stderr
    board = json.loads((tmp_path / "board" / "leaderboard.json").read_text())
    assert [e["run_id"] for e in board["entries"]] == ["good"]
    reasons = {Path(s["path"]).parent.name: s["reason"] for s in board["skipped"]}
    assert "not UTF-8" in reasons["latin1"] and "nests too deeply" in reasons["deep"] and "NaN" in reasons["nan"]
    missing = run_harness("leaderboard", str(tmp_path / "nonexistent"), f"out={tmp_path / 'x'}")
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    (tmp_path / "empty").mkdir()
    empty = run_harness("leaderboard", str(tmp_path / "empty"), f"out={tmp_path / 'y'}")
    assert empty.returncode == 2 and "no readable results records" in empty.stderr
