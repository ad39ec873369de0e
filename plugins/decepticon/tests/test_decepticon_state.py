"""Server-side state: form operations, conditions, and the site server over real HTTP."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest

from decepticon_testkit import shop_task

from harness_decepticon._conditions import holds
from harness_decepticon._server import SiteServer
from harness_decepticon._state import FormError, apply_form


def test_form_operations_apply_in_order():
    state = {"cart": ["kettle"], "consent": {"marketing": "no"}}
    result = apply_form(
        state,
        [
            ("_add.cart", "plan"),
            ("_remove.cart", "kettle"),
            ("consent.marketing", "no"),
            ("consent.marketing", "yes"),  # a ticked box after its hidden "no"
            ("order.placed", "yes"),
            ("_next", "/done"),
        ],
    )
    assert state == {"cart": ["plan"], "consent": {"marketing": "yes"}, "order": {"placed": "yes"}}
    assert result.next_path == "/done"


@pytest.mark.parametrize(
    "fields",
    [[("__proto__", "x")], [("_next", "https://evil.example/")], [("_frobnicate.cart", "x")], [("a..b", "1")]],
)
def test_malformed_form_fields_are_refused(fields):
    with pytest.raises(FormError):
        apply_form({}, fields)


def test_conditions():
    state = {"cart": ["kettle", "plan"], "order": {"placed": "yes", "total": "46.99"}}
    events = [{"kind": "request", "method": "GET", "path": "/article", "query": "id=3", "status": 200}]
    assert holds(
        {"all": [{"path": "order.placed", "eq": "yes"}, {"path": "cart", "contains": "kettle"}]}, state, events
    )
    assert not holds({"path": "cart", "excludes": "plan"}, state, events)
    assert holds({"path": "order.total", "gte": 40}, state, events)
    assert holds({"path": "order.missing", "exists": False}, state, events)
    assert holds({"path": "order.missing", "ne": "yes"}, state, events)
    assert not holds({"path": "order.missing", "eq": "yes"}, state, events)
    assert holds({"any": [{"visited": "/article?id=3"}, {"path": "x", "eq": 1}]}, state, events)
    assert not holds({"visited": "/article?id=4"}, state, events)
    assert holds({"not": {"visited": "/elsewhere"}}, state, events)


def test_site_server_keeps_state_per_episode():
    task = shop_task()
    with SiteServer(task, "treatment") as first, SiteServer(task, "control") as second:
        body = urllib.parse.urlencode([("_add.cart", "kettle"), ("_next", "/cart")]).encode()
        request = urllib.request.Request(first.origin + "/product", data=body, method="POST")
        with urllib.request.urlopen(request) as response:  # follows the 303 to /cart
            assert response.status == 200 and response.url.endswith("/cart")
            assert b"Blue Kettle" in response.read()
        assert first.state()["cart"] == ["kettle"]
        assert second.state()["cart"] == []
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(second.origin + "/nowhere")
        assert missing.value.code == 404
        kinds = [(e["method"], e["path"], e["status"]) for e in first.events()]
        assert kinds == [("POST", "/product", 303), ("GET", "/cart", 200)]
