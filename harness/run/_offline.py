"""Keep runs working with no network.

inspect-ai estimates token counts for providers without their own counter
(`mockllm`, local models) with tiktoken's `o200k_base` encoding, which tiktoken
downloads on first use. Offline that download fails and takes the run down.
The harness uses tiktoken when the encoding is already in tiktoken's cache and
otherwise a character-based estimate, so offline runs complete.
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile

_O200K_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"


def tiktoken_encoding_cached() -> bool:
    """Whether tiktoken can load `o200k_base` without a download."""
    cache_dir = os.environ.get("TIKTOKEN_CACHE_DIR", os.environ.get("DATA_GYM_CACHE_DIR"))
    if cache_dir is None:
        cache_dir = os.path.join(tempfile.gettempdir(), "data-gym-cache")
    if cache_dir == "":
        return False
    key = hashlib.sha1(_O200K_URL.encode()).hexdigest()
    return os.path.exists(os.path.join(cache_dir, key))


def estimate_text_tokens(text: str) -> int:
    """About four characters per token, plus inspect's 10% safety margin."""
    return max(1, math.ceil(len(text) / 4 * 1.1))


def install_offline_token_counting() -> None:
    """Route inspect's default token estimate through `estimate_text_tokens` when tiktoken would download."""
    from inspect_ai.model import _model

    current = _model.count_text_tokens
    if getattr(current, "__harness_offline__", False):
        return

    def count_text_tokens(text: str) -> int:
        if tiktoken_encoding_cached():
            return current(text)
        return estimate_text_tokens(text)

    count_text_tokens.__harness_offline__ = True  # type: ignore[attr-defined]
    _model.count_text_tokens = count_text_tokens  # type: ignore[assignment]
