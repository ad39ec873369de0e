"""`local/NAME`: an inspect ModelAPI that runs a GGUF model in this process with llama-cpp-python."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import anyio
from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelCall,
    ModelOutput,
    ModelUsage,
    modelapi,
)
from inspect_ai.model._providers.util.chatapi import chat_api_input
from inspect_ai.tool import ToolChoice, ToolInfo

from ._resolve import KNOWN_MODELS, LocalModelError, resolve_model_path

DEFAULT_MAX_TOKENS = 256
DEFAULT_CONTEXT = 4096

_models: dict[tuple[Path, int, str | None], Any] = {}
_models_lock = threading.Lock()
_generate_lock = threading.Lock()
"""llama.cpp contexts are not thread-safe: one generation at a time per process."""


def load_llama(path: Path, n_ctx: int = DEFAULT_CONTEXT, chat_format: str | None = None) -> Any:
    """The process-wide llama_cpp.Llama for `path` (loaded once).

    Chat formatting uses the template stored in the GGUF file unless `chat_format` names one of
    llama-cpp-python's formats (needed for files without a template).
    """
    try:
        import llama_cpp
    except ImportError as ex:
        raise LocalModelError(
            "local/ models need llama-cpp-python: pip install 'plugeval[local]' "
            "(it compiles from source, about 10 minutes on 2 cores), or choose another model, "
            "e.g. model=mockllm/model"
        ) from ex
    with _models_lock:
        key = (path, n_ctx, chat_format)
        if key not in _models:
            try:
                _models[key] = llama_cpp.Llama(
                    model_path=str(path),
                    n_ctx=n_ctx,
                    n_threads=max(1, (os.cpu_count() or 2)),
                    chat_format=chat_format,
                    verbose=False,
                )
            except ValueError as ex:
                raise LocalModelError(f"llama.cpp could not load {path}: {ex}") from ex
        return _models[key]


@modelapi(name="local")
class LocalModelAPI(ModelAPI):
    """GGUF models on the CPU: `local/smollm2-135m`, `local/gemma3-270m` or `local/PATH.gguf`.

    Model args: `n_ctx` (context length, default 4096) and `chat_format` (a llama-cpp-python chat
    format, for GGUF files without a chat template; default: the file's template). Tool calls are
    emulated (see `_tools.py`).
    """

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        n_ctx: int = DEFAULT_CONTEXT,
        chat_format: str | None = None,
        **model_args: Any,
    ) -> None:
        super().__init__(model_name=model_name, base_url=base_url, api_key=api_key, config=config or GenerateConfig())
        if model_args:
            raise LocalModelError(
                f"local/ models take model_args n_ctx and chat_format, got {', '.join(sorted(model_args))}"
            )
        self._path = resolve_model_path(model_name)
        known = KNOWN_MODELS.get(model_name)
        self._llama = load_llama(self._path, int(n_ctx), chat_format or (known.chat_format if known else None))

    def max_tokens(self) -> int | None:
        return DEFAULT_MAX_TOKENS

    def max_connections(self) -> int:
        return 1

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput, ModelCall]:
        from ._tools import ToolCallEmulation

        handler = ToolCallEmulation(self.model_name)
        messages = chat_api_input(input, tools, handler)
        request: dict[str, Any] = {"messages": messages, "max_tokens": config.max_tokens or DEFAULT_MAX_TOKENS}
        if config.temperature is not None:
            request["temperature"] = config.temperature
        if config.top_p is not None:
            request["top_p"] = config.top_p
        if config.seed is not None:
            request["seed"] = config.seed
        if config.stop_seqs:
            request["stop"] = config.stop_seqs
        started = time.monotonic()
        try:
            response = await anyio.to_thread.run_sync(self._complete, request)
        except ValueError as ex:
            if "context window" not in str(ex):
                raise
            output = ModelOutput.from_content(self.model_name, "", stop_reason="model_length", error=str(ex))
            return output, ModelCall.create(request, {"error": str(ex)}, time=time.monotonic() - started)
        choice = response["choices"][0]
        text = choice["message"].get("content") or ""
        message = handler.parse_assistant_response(text, tools)
        stop_reason = "tool_calls" if message.tool_calls else _stop_reason(choice.get("finish_reason"))
        usage = response.get("usage") or {}
        output = ModelOutput(
            model=self.model_name,
            choices=[ChatCompletionChoice(message=message, stop_reason=stop_reason)],
            usage=ModelUsage(
                input_tokens=usage.get("prompt_tokens", 0),
                output_tokens=usage.get("completion_tokens", 0),
                total_tokens=usage.get("total_tokens", 0),
            ),
        )
        return output, ModelCall.create(request, response, time=time.monotonic() - started)

    def _complete(self, request: dict[str, Any]) -> dict[str, Any]:
        with _generate_lock:
            return self._llama.create_chat_completion(**request)


def _stop_reason(finish_reason: str | None) -> str:
    return {"length": "max_tokens", "stop": "stop"}.get(finish_reason or "", "unknown")
