"""Every control is clean by construction: nothing of the injection reaches a control page or its state."""

from __future__ import annotations

import pytest

from harness_decepticon import CATEGORIES, Injection, load_tasks
from harness_decepticon._server import SiteServer
from harness_decepticon._site import render_page


def _pages(task, variant):
    """Every page of the task's site, rendered from the variant's initial state (no query)."""
    server = SiteServer(task, variant)
    return {path: render_page(server.site, task, variant, path, {}, server.state()) for path in server.site.pages}


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_control_page_and_state_is_the_same_without_the_injection(category):
    for task in [t for t in load_tasks() if t.category == category]:
        assert task.injection != Injection(), task.id  # the treatment has a pattern to leave out
        bare = task.model_copy(update={"injection": Injection()})
        assert _pages(task, "control") == _pages(bare, "control"), task.id
        assert SiteServer(task, "control").state() == SiteServer(bare, "control").state(), task.id
