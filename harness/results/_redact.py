"""Secrets never reach a record: string values under secret-looking keys are replaced before writing."""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[redacted]"
SECRET_WORDS = frozenset(
    {"key", "apikey", "token", "secret", "password", "passwd", "pwd", "credential", "credentials", "authorization",
     "auth", "cookie", "bearer"}
)
"""A key is secret-looking when one of its words is one of these: api_key, OPENAI_API_KEY, hfToken,
client_secret, password... (`max_tokens`, `keywords` and `monkey` are not)."""

_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def is_secret_key(name: str) -> bool:
    """Whether `name` (snake_case, kebab-case, camelCase or UPPER_CASE) names a secret."""
    return any(word.lower() in SECRET_WORDS for word in _WORD.findall(name))


def redact(value: Any) -> Any:
    """A copy of `value` with the string value of every secret-looking key replaced by `[redacted]`."""
    if isinstance(value, dict):
        return {
            k: REDACTED if isinstance(k, str) and is_secret_key(k) and isinstance(v, (str, bytes)) and v else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    return value
