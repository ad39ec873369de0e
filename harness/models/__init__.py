"""The `local/` inspect model provider: GGUF models run in-process with llama-cpp-python.

Public here: `extra_buffers_safe` (whether llama.cpp's repacked weight buffers are used with
this build) and the names `harness` re-exports (`load_local_model`, `local_model_lock`).
Names are loaded on first use: importing this package imports neither inspect-ai nor llama.cpp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.models._gguf_files import KNOWN_MODELS, LocalModelError
    from harness.models._local_provider import extra_buffers_safe, load_local_model, local_model_lock

__all__ = ["KNOWN_MODELS", "LocalModelError", "extra_buffers_safe", "load_local_model", "local_model_lock"]

_LAZY = {
    "KNOWN_MODELS": "harness.models._gguf_files",
    "LocalModelError": "harness.models._gguf_files",
    "extra_buffers_safe": "harness.models._local_provider",
    "load_local_model": "harness.models._local_provider",
    "local_model_lock": "harness.models._local_provider",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'harness.models' has no attribute {name!r}")
