"""URL slugs."""

import re


def slugify(text: str) -> str:
    """Lower-case words joined by dashes: "Hello World" -> "hello-world"."""
    lowered = text.strip().lower()
    return re.sub(r"[^a-z0-9]", "-", lowered)
