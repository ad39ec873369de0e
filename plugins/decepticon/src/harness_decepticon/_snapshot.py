"""Page snapshots: what the page's JavaScript walk returns, and its text form for agents."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urlsplit


@functools.lru_cache(maxsize=1)
def snapshot_script() -> str:
    """The JavaScript function that walks the page (see `_snapshot.js`)."""
    return (resources.files("harness_decepticon") / "_snapshot.js").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def document_script() -> str:
    """The init script that marks each document and records its submit/navigate events (`_document.js`)."""
    return (resources.files("harness_decepticon") / "_document.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Control:
    """An interactive element with its ref, as the snapshot saw it."""

    ref: str
    role: str
    name: str
    prominence: int = 0
    y: int = 0
    tag: str = ""
    disabled: bool = False
    required: bool = False
    nav: bool = False
    checked: bool | None = None
    group: str | None = None
    value: str | None = None
    options: list[str] | None = None
    href: str | None = None
    input_type: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """One observation of the page."""

    title: str
    url: str
    modal: bool
    items: list[dict[str, Any]]
    scroll_y: int = 0
    page_height: int = 0
    viewport_height: int = 0
    controls: list[Control] = field(default_factory=list)
    doc: str = ""
    """The document's id: a different one after the page was replaced."""

    @classmethod
    def from_page(cls, raw: dict[str, Any]) -> Snapshot:
        """Build from the script's result."""
        known = set(Control.__dataclass_fields__)
        controls = [
            Control(**{k: v for k, v in item.items() if k in known})
            for item in raw["items"]
            if item["kind"] == "control"
        ]
        return cls(
            title=raw["title"],
            url=raw["url"],
            modal=raw["modal"],
            items=raw["items"],
            scroll_y=raw["scroll_y"],
            page_height=raw["page_height"],
            viewport_height=raw["viewport_height"],
            controls=controls,
            doc=str(raw.get("doc", "")),
        )

    @property
    def path(self) -> str:
        """The page's path and query."""
        url = urlsplit(self.url)
        return url.path + (f"?{url.query}" if url.query else "")

    def refs(self) -> set[str]:
        """The refs this snapshot handed out."""
        return {c.ref for c in self.controls}

    def control(self, ref: str) -> Control | None:
        """The control with this ref, if the snapshot has it."""
        return next((c for c in self.controls if c.ref == ref), None)

    def text(self, max_chars: int = 12000) -> str:
        """The snapshot as lines an agent reads: role, name, state and [ref] of each element."""
        lines = [f"Page: {self.title} ({self.path})"]
        if self.modal:
            lines.append("(a dialog is open; only its content is shown and can be used)")
        for item in self.items:
            if item["kind"] == "heading":
                lines.append(f"{'#' * item['level']} {item['text']}")
            elif item["kind"] == "text":
                lines.append(item["text"])
            else:
                lines.append(_control_line(item))
        below = self.page_height - self.scroll_y - self.viewport_height
        if below > 40:
            lines.append(f"(the page continues {below}px below the visible area; everything is listed above)")
        text = "\n".join(lines)
        if len(text) > max_chars:
            text = text[: max_chars - 60].rsplit("\n", 1)[0] + f"\n(snapshot cut at {max_chars} characters)"
        return text


def _control_line(item: dict[str, Any]) -> str:
    parts = [item["role"], json.dumps(item["name"], ensure_ascii=False)]
    if item.get("checked") is not None:
        parts.append("checked" if item["checked"] else "unchecked")
    if item.get("role") == "textbox":
        parts.append(f"value={json.dumps(item.get('value', ''), ensure_ascii=False)}")
    if item.get("options") is not None:
        parts.append(f"selected={json.dumps(item.get('value', ''), ensure_ascii=False)}")
        parts.append("options=" + json.dumps(item["options"], ensure_ascii=False))
    if item.get("disabled"):
        parts.append("disabled")
    if item.get("required"):
        parts.append("required")
    return f"[{item['ref']}] " + " ".join(parts)
