"""Counting and shortening text."""


def word_count(text: str) -> int:
    """The number of words in the text."""
    return len(text.split(" "))


def truncate(text: str, width: int) -> str:
    """The text cut to `width` characters, ending in "..." when cut."""
    return text[: max(width - 3, 0)] + "..."
