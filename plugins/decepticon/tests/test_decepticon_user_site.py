"""A user's own site (a directory of pages plus a task JSON): policies, blocked requests, pages that throw."""

from __future__ import annotations

from decepticon_testkit import DATA, require_chromium

from harness_decepticon import load_tasks
from harness_decepticon._browser import browser_service
from harness_decepticon._episode import Episode
from harness_decepticon._runner import run_policy


def test_a_user_site_runs_like_a_shipped_one():
    require_chromium()
    task = load_tasks(DATA / "user_task.json")[0]
    careful = run_policy([(task, "treatment"), (task, "control")], "careful")
    naive = run_policy([(task, "treatment"), (task, "control")], "naive")
    assert [(o["success"], o["dp"]) for o in careful] == [(True, False), (True, False)]
    assert [(o["success"], o["dp"]) for o in naive] == [(True, True), (True, False)]
    assert careful[0]["state"]["signup"] == {"done": "yes", "weekly_deals": "no", "email": "ana@example.com"}
    events = careful[0]["events"]
    # the tracking pixel never left the machine, and the thank-you page's script error is on record
    assert [e["url"] for e in events if e["kind"] == "blocked"] == ["https://tracker.example.com/pixel.gif"]
    assert any(e["kind"] == "pageerror" and "reading 'ready'" in e["text"] for e in events)


def test_a_page_whose_template_throws_is_a_500_the_episode_survives():
    require_chromium()
    task = load_tasks(DATA / "user_task.json")[0]
    service = browser_service()

    async def visit_archive():
        episode = Episode(task, "control", service)
        try:
            page = await episode.open()
            archive = next(c for c in page.controls if c.name == "Archive")
            episode.count_step()
            after = await episode.click(archive.ref)
            return after, episode.outcome()
        finally:
            await episode.close()

    page, outcome = service.call(visit_archive, timeout=60)
    assert "Server error" in page.text()
    failed = [e for e in outcome["events"] if e.get("status") == 500]
    assert failed and "archive" in failed[0]["error"]  # the template's own error, kept for the task author
    assert outcome["success"] is False and outcome["dp"] is False
