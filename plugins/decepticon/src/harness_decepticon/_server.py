"""One episode's web server: a real HTTP server on 127.0.0.1 holding the site's state and request log."""

from __future__ import annotations

import copy
import html
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ._model import DecepticonTask, Variant
from ._site import Site, load_site, render_page, resolve_site_dir
from ._state import FormError, apply_form, deep_merge

MAX_BODY = 64 * 1024


class SiteServer:
    """A fresh site for one episode: state from the site, the task and (treatment) the injection.

    It serves through a `Listener`: its own (`start()`/`stop()`, or as a context manager), or a pooled
    one an episode attaches it to.
    """

    def __init__(self, task: DecepticonTask, variant: Variant, site: Site | None = None) -> None:
        self.task = task
        self.variant = variant
        self.site = site or load_site(resolve_site_dir(task))
        state = deep_merge(self.site.initial_state, task.initial_state)
        if variant == "treatment":
            state = deep_merge(state, task.injection.state)
        self._state = state
        self._events: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._own: Listener | None = None
        self.listener: Listener | None = None
        self.server_seconds = 0.0

    @property
    def origin(self) -> str:
        """`http://127.0.0.1:PORT` of the listener serving this site."""
        if self.listener is None:
            raise RuntimeError("the site server is not running")
        return self.listener.origin

    def start(self) -> SiteServer:
        """Serve on a listener of its own (a free port on 127.0.0.1)."""
        self._own = Listener()
        self._own.attach(self)
        return self

    def stop(self) -> None:
        """Stop serving (and free the port of its own listener)."""
        own, self._own = self._own, None
        if own is not None:
            own.close()
        elif self.listener is not None:
            self.listener.detach(self)

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def state(self) -> dict[str, Any]:
        """A copy of the current server state."""
        with self._lock:
            return copy.deepcopy(self._state)

    def events(self) -> list[dict[str, Any]]:
        """A copy of the request log (and anything `log` added)."""
        with self._lock:
            return copy.deepcopy(self._events)

    def log(self, kind: str, **details: Any) -> None:
        """Add an entry to the episode's event log (the browser side logs console errors and blocks here)."""
        with self._lock:
            self._events.append({"kind": kind, "t": round(time.time(), 3), **details})

    def handle(self, method: str, target: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """Serve one request: (status, headers, body)."""
        started = time.perf_counter()
        url = urlsplit(target)
        query = dict(parse_qsl(url.query))
        event: dict[str, Any] = {"kind": "request", "t": round(time.time(), 3), "method": method, "path": url.path}
        if url.query:
            event["query"] = url.query
        with self._lock:
            try:
                status, headers, payload = self._respond(method, url.path, query, body, event)
            except Exception as ex:  # a page template that throws: the agent sees a 500, the log keeps why
                event["error"] = f"{type(ex).__name__}: {ex}"
                status, headers, payload = 500, _HTML, _page("Server error", "Something went wrong.")
            event["status"] = status
            self._events.append(event)
            self.server_seconds += time.perf_counter() - started
        return status, headers, payload

    def _respond(
        self, method: str, path: str, query: dict[str, str], body: bytes, event: dict[str, Any]
    ) -> tuple[int, dict[str, str], bytes]:
        if method == "POST":
            fields = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
            event["fields"] = fields
            try:
                result = apply_form(self._state, fields)
            except FormError as ex:
                event["error"] = str(ex)
                return 400, _HTML, _page("Bad request", str(ex))
            return 303, {"Location": result.next_path or path}, b""
        if path == "/favicon.ico":
            return 204, {}, b""
        if path not in self.site.pages:
            return 404, _HTML, _page("Not found", "This page does not exist.")
        page = render_page(self.site, self.task, self.variant, path, query, self._state)
        return 200, _HTML, page.encode("utf-8")


_HTML = {"Content-Type": "text/html; charset=utf-8"}


def _page(title: str, text: str) -> bytes:
    return (
        f"<!doctype html><html><head><title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p><a href='/'>Home</a></body></html>"
    ).encode()


class Listener:
    """An HTTP server on a free port of 127.0.0.1 that serves whichever site is attached (503 between sites).

    A pooled browser context keeps one listener (its proxy lets only this origin through), and each
    episode in that context attaches its own fresh `SiteServer`.
    """

    def __init__(self) -> None:
        self.site: SiteServer | None = None
        handler = type("Handler", (_Handler,), {"listener": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, name="decepticon-site", daemon=True).start()

    def attach(self, site: SiteServer) -> None:
        """Serve `site` from now on."""
        self.site, site.listener = site, self

    def detach(self, site: SiteServer) -> None:
        """Stop serving `site` (requests get 503 until the next one is attached)."""
        if self.site is site:
            self.site = None
        site.listener = None

    def handle(self, method: str, target: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """Pass a request to the attached site."""
        site = self.site
        if site is None:
            return 503, _HTML, _page("No site", "No episode is using this server right now.")
        return site.handle(method, target, body)

    def close(self) -> None:
        """Stop serving and free the port."""
        if self.site is not None:
            self.detach(self.site)
        self._httpd.shutdown()
        self._httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    listener: Listener
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # the episode log records requests
        pass

    def do_GET(self) -> None:
        self._serve("GET", b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_error(413)
            return
        self._serve("POST", self.rfile.read(length))

    def _serve(self, method: str, body: bytes) -> None:
        status, headers, payload = self.listener.handle(method, self.path, body)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
