"""The seat's web page: served on 127.0.0.1, only to whoever has the run's unguessable token.

`SeatServer` runs Python's threading HTTP server in a daemon thread. Every request must carry
the token (`?token=...`); anything else gets 403 and learns nothing. Routes:

- `GET /` — the page (`_page.html`): the active item of the queue, how many wait, a reply box or
  the survey; it polls the state and posts answers, so a reload or a second tab shows the same
  queue and a reply is taken once.
- `GET /api/state` — the queue's state as JSON.
- `POST /api/answer` — `{"id": ..., "answer": ...}`: 200 `{"accepted": true}` once, 409 after.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlparse

from harness.seat._queue import SeatQueue

MAX_BODY = 64 * 1024
"""Largest answer accepted (bytes): a reply or a survey, not a file."""


class SeatServer:
    """The page and its API over a `SeatQueue`, on 127.0.0.1."""

    def __init__(self, queue: SeatQueue, port: int = 0) -> None:
        self.queue = queue
        self.token = secrets.token_urlsafe(24)
        handler = type("Handler", (_Handler,), {"seat": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="plugeval-seat", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The page's address, token included: give it to the person who takes the seat."""
        return f"http://127.0.0.1:{self.port}/?token={self.token}"

    def allowed(self, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token.encode(), self.token.encode())

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    seat: SeatServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self._authorised()
        if path == "/":
            self._send(HTTPStatus.OK, _page(), "text/html; charset=utf-8")
        elif path == "/api/state":
            self._json(HTTPStatus.OK, self.seat.queue.state())
        elif path is not None:
            self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802
        path = self._authorised()
        if path is None:
            return
        if path != "/api/answer":
            self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_BODY:
            self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": f"an answer is at most {MAX_BODY} bytes"})
            return
        try:
            body = json.loads(self.rfile.read(length))
            item_id, answer = str(body["id"]), body["answer"]
        except (ValueError, KeyError, TypeError):
            self._json(HTTPStatus.BAD_REQUEST, {"error": 'send {"id": ..., "answer": ...}'})
            return
        accepted = self.seat.queue.answer(item_id, answer)
        self._json(HTTPStatus.OK if accepted else HTTPStatus.CONFLICT, {"accepted": accepted})

    def _authorised(self) -> str | None:
        """The request's path when it carries the token; otherwise a 403 is sent and None returned."""
        url = urlparse(self.path)
        token = parse_qs(url.query).get("token", [None])[0]
        if not self.seat.allowed(token):
            self._send(HTTPStatus.FORBIDDEN, b"forbidden", "text/plain")
            return None
        return url.path

    def _json(self, status: HTTPStatus, data: Any) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")  # the token is in the URL
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # requests carry the token: never log them
        return


def _page() -> bytes:
    return resources.files("harness.seat").joinpath("_page.html").read_bytes()
