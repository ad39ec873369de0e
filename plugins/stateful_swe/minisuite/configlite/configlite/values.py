"""Reading typed values from a mapping of strings."""

from typing import Mapping

TRUE_WORDS = ("true", "1")
FALSE_WORDS = ("false", "0")


def parse_bool(text: str) -> bool:
    """True or False from a configuration word."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"not a boolean: {text!r}")


def get_int(values: Mapping[str, str], key: str, default: int) -> int:
    """The integer under `key`, or `default` when the key is missing."""
    raw = values.get(key)
    if raw is None:
        return default
    return int(raw) or default
