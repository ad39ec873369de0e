def word_count(text: str) -> int:
    """Number of words in text."""
    return len(text.split())
