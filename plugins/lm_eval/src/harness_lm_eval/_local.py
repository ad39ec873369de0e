"""The llama.cpp model behind an inspect `local/NAME` model, for log-likelihoods."""

from __future__ import annotations

from typing import Any

LOCAL_PREFIX = "local/"
DEFAULT_CONTEXT = 4096
"""The `local/` provider's default `n_ctx` (the same value gets the same process-wide model)."""


def is_local(model_name: str) -> bool:
    """Whether an inspect model name is one of the harness's in-process llama.cpp models."""
    return model_name.startswith(LOCAL_PREFIX)


def local_llama(model_name: str, n_ctx: int = DEFAULT_CONTEXT) -> Any:
    """The process-wide `llama_cpp.Llama` the `local/` provider generates with for `model_name`."""
    from harness import load_local_model

    return load_local_model(model_name.removeprefix(LOCAL_PREFIX), n_ctx=n_ctx)
