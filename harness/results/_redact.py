"""Secrets never reach what a run writes: redaction by key and by the shape of the value.

By key: the value of a secret-looking key (`api_key`, `token`, `organization`, `password`...)
becomes `[redacted]`. By value, anywhere, whatever the key: credentials inside URLs
(`https://user:token@host`), bearer and basic authorization headers, `name=value` pairs whose
name is secret-looking (`?api_key=...`), and the known shapes of provider keys (`sk-...`,
`sk-ant-...`, `hf_...`, `ghp_...`, `AKIA...`, JWTs...). Structured data (a run's parameters)
loses the whole value, so `--resume` asks for it again; free text (error messages) loses the
secret and keeps the rest.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[redacted]"
SECRET_WORDS = frozenset(
    {"key", "apikey", "token", "secret", "password", "passwd", "pwd", "passphrase", "credential", "credentials",
     "authorization", "auth", "cookie", "bearer", "organization", "organisation", "org", "signature"}
)  # fmt: skip
"""A key is secret-looking when one of its words is one of these: api_key, OPENAI_API_KEY, hfToken,
client_secret, password, organization... (`max_tokens`, `keywords` and `monkey` are not)."""

_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")

_KEY_SHAPES = [
    r"sk-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_-]{16,}",  # OpenAI, Anthropic and their kin
    r"hf_[A-Za-z0-9]{20,}",  # Hugging Face
    r"(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}",  # GitHub
    r"github_pat_[A-Za-z0-9_]{20,}",
    r"glpat-[A-Za-z0-9_-]{20,}",  # GitLab
    r"(?:AKIA|ASIA)[0-9A-Z]{16}",  # AWS access key ids
    r"AIza[0-9A-Za-z_-]{35}",  # Google
    r"xox[abprs]-[A-Za-z0-9-]{10,}",  # Slack
    r"(?:gsk|r8|npm)_[A-Za-z0-9]{20,}",  # Groq, Replicate, npm
    r"pypi-[A-Za-z0-9_-]{40,}",  # PyPI
    r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",  # JWT
]
_KEY_SHAPE = re.compile(r"(?<![A-Za-z0-9_-])(?:" + "|".join(_KEY_SHAPES) + r")(?![A-Za-z0-9])")
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/?#@'\"<>]+@")
_AUTH_HEADER = re.compile(r"(?i)\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/=-]{8,}")
_NAME_SEP = re.compile(r"""(?P<name>[A-Za-z_][\w.-]*)["']?\s*[=:]\s*["']?""")
_VALUE = re.compile(r"""[^\s"'&,;)}\]]+""")


def is_secret_key(name: str) -> bool:
    """Whether `name` (snake_case, kebab-case, camelCase or UPPER_CASE) names a secret."""
    return any(word.lower() in SECRET_WORDS for word in _WORD.findall(name))


def redact_text(text: str) -> str:
    """`text` with every secret-shaped part replaced by `[redacted]` (URL credentials, authorization
    headers, `secret_name=value` pairs, provider key shapes); the rest kept."""
    if not text:
        return text
    text = _URL_CREDENTIALS.sub(lambda m: f"{m.group(1)}{REDACTED}@", text)
    text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    text = _redact_pairs(text)
    return _KEY_SHAPE.sub(REDACTED, text)


_NOT_SECRETS = frozenset({"none", "null", "true", "false", "bearer", "basic", "token"})
_PLACEHOLDER = re.compile(r"[A-Z][A-Z_]{0,19}|\.\.\.|<[^<>]*>|\$\{?[A-Za-z_]+\}?")
"""Values that stand for a value in help and errors (`KEY=VALUE`, `api_key=...`, `<your key>`, `$TOKEN`)."""


def _redact_pairs(text: str) -> str:
    """`name=value`, `name: value` and `"name": "value"` with a secret-looking name: the value redacted."""
    parts, done = [], 0
    for pair in _NAME_SEP.finditer(text):
        if not is_secret_key(pair.group("name").rsplit(".", 1)[-1]):
            continue
        value = _VALUE.match(text, pair.end())
        if value is None or text.startswith(REDACTED, pair.end()) or _not_a_secret(value.group(0)):
            continue
        parts += [text[done : value.start()], REDACTED]
        done = value.end()
    return "".join(parts) + text[done:]


def _not_a_secret(value: str) -> bool:
    return value.lower() in _NOT_SECRETS or _PLACEHOLDER.fullmatch(value) is not None


def has_secret(text: str) -> bool:
    """Whether `redact_text` would change `text`."""
    return redact_text(text) != text


def redact(value: Any) -> Any:
    """A copy of `value` (dicts, lists, strings) with secrets replaced by `[redacted]`.

    The string value of a secret-looking key is replaced whole; so is any other string that holds a
    secret-shaped part (a URL with credentials, a provider key), since a half-redacted parameter is
    neither usable nor safe.
    """
    if isinstance(value, dict):
        return {k: REDACTED if _secret_item(k, v) else redact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    if isinstance(value, str) and has_secret(value):
        return REDACTED
    return value


def redact_messages(value: Any) -> Any:
    """A copy of `value` with secret-shaped parts of every string redacted in place (`redact_text`),
    and the string value of every secret-looking key replaced whole: for records, whose messages
    should stay readable."""
    if isinstance(value, dict):
        return {k: REDACTED if _secret_item(k, v) else redact_messages(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_messages(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def redact_record(record: dict[str, Any]) -> dict[str, Any]:
    """A results record without secrets: its `params` redacted as structured data (`redact`: whole
    values), everything else as messages (`redact_messages`: secret-shaped parts)."""
    messages = redact_messages(record)
    return {**messages, "params": redact(record["params"])} if "params" in record else messages


def _secret_item(key: Any, value: Any) -> bool:
    return isinstance(key, str) and is_secret_key(key) and isinstance(value, (str, bytes)) and bool(value)
