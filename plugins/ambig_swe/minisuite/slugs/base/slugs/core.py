import re


def slugify(title: str) -> str:
    """URL slug of a title: lowercase ASCII words joined by '-'."""
    return re.sub(r"[^a-z0-9-]", "", title.lower().replace(" ", "-"))
