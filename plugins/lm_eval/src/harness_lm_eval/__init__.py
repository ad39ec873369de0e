"""lm-evaluation-harness tasks for plugeval: lm-eval's own task configs, prompts, filters and metrics on inspect-ai.

`harness eval task=lm_eval task.name=gsm8k model=...`. Heavy parts (lm-eval, inspect-ai, llama.cpp)
are imported when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._chat import ChatPrompt, parse_chat
    from ._llama_lm import LlamaCppLM
    from ._loading import LoadedTasks, load_tasks
    from ._scorer import process_document
    from ._task import lm_eval

__all__ = ["ChatPrompt", "LlamaCppLM", "LoadedTasks", "lm_eval", "load_tasks", "parse_chat", "process_document"]

_LAZY = {
    "ChatPrompt": "._chat",
    "parse_chat": "._chat",
    "LlamaCppLM": "._llama_lm",
    "LoadedTasks": "._loading",
    "load_tasks": "._loading",
    "process_document": "._scorer",
    "lm_eval": "._task",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'harness_lm_eval' has no attribute {name!r}")
