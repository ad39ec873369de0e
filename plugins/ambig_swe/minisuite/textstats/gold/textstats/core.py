def word_count(text: str) -> int:
    """Number of words in text."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))
