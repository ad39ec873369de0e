"""`local/NAME`: an inspect ModelAPI that runs a GGUF model in this process with llama-cpp-python."""

from __future__ import annotations

import atexit
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import anyio
from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelCall,
    ModelOutput,
    ModelUsage,
    StopReason,
    modelapi,
)
from inspect_ai.model._providers.util.chatapi import chat_api_input
from inspect_ai.tool import ToolChoice, ToolInfo

from harness.models._gguf_files import KNOWN_MODELS, LocalModelError, resolve_model_path
from harness.models._interrupt import Abandoned, CancelFlag, run_cancellable

DEFAULT_MAX_TOKENS = 256
DEFAULT_CONTEXT = 4096

_models: dict[tuple[Path, int, str | None, bool, bool], Any] = {}
_models_lock = threading.Lock()
_generate_lock = threading.Lock()


@atexit.register
def _close_models() -> None:
    # closed while the interpreter still works: llama-cpp-python's own __del__ at shutdown finds its
    # modules torn down and prints "Exception ignored ... NoneType object is not callable"
    with _models_lock:
        models = list(_models.values())
        _models.clear()
    for model in models:
        try:
            model.close()
        except Exception:  # best effort at exit
            pass

"""llama.cpp contexts are not thread-safe: one generation at a time per process."""


def load_llama(
    path: Path,
    n_ctx: int = DEFAULT_CONTEXT,
    chat_format: str | None = None,
    extra_buffers: bool | None = None,
    logits_all: bool = False,
) -> Any:
    """The process-wide llama_cpp.Llama for `path` (loaded once per set of arguments).

    Chat formatting uses the template stored in the GGUF file unless `chat_format` names one of
    llama-cpp-python's formats (needed for files without a template). `extra_buffers` chooses
    llama.cpp's extra weight buffers (repacked layouts); None (the default) turns them off only
    where they crash (see `extra_buffers_safe`). `logits_all` keeps every position's logits.
    """
    try:
        import llama_cpp
    except ImportError as ex:
        raise LocalModelError(
            "local/ models need llama-cpp-python: pip install 'plugeval[local]' "
            "(it compiles from source, about 10 minutes on 2 cores), or choose another model, "
            "e.g. model=mockllm/model"
        ) from ex
    if extra_buffers is None:
        extra_buffers = extra_buffers_safe(llama_cpp.llama_print_system_info().decode(errors="replace"))
    with _models_lock:
        key = (path, n_ctx, chat_format, extra_buffers, logits_all)
        if key not in _models:
            try:
                with _model_params(llama_cpp, use_extra_bufts=extra_buffers):
                    _models[key] = llama_cpp.Llama(
                        model_path=str(path),
                        n_ctx=n_ctx,
                        n_threads=llama_threads(),
                        chat_format=chat_format,
                        logits_all=logits_all,
                        verbose=False,
                    )
            except ValueError as ex:
                raise LocalModelError(f"llama.cpp could not load {path}: {ex}") from ex
            capacity = prompt_cache_bytes()
            if capacity and not logits_all:  # states with every position's logits are too big to keep
                _models[key].set_cache(llama_cpp.LlamaRAMCache(capacity_bytes=capacity))
        return _models[key]


def extra_buffers_safe(system_info: str) -> bool:
    """Whether llama.cpp's extra weight buffers may be used with this build.

    A build with AMX (compiled natively on Intel Sapphire Rapids or later) puts weights into
    its AMX buffer, which segfaults on the first decode (an open llama.cpp bug); there all extra
    buffers go off, since llama.cpp has no switch for AMX alone. Elsewhere they stay on: the CPU
    repack path is safe and faster. `HARNESS_LLAMA_EXTRA_BUFFERS=0|1` overrides the choice.

    Args:
        system_info: `llama_cpp.llama_print_system_info()`, e.g. "CPU : AVX2 = 1 | AMX_INT8 = 1 | ...".
    """
    override = os.environ.get(EXTRA_BUFFERS_ENV, "").strip().lower()
    if override in ("0", "false", "off", "no"):
        return False
    if override in ("1", "true", "on", "yes"):
        return True
    return not any(f"{feature} = 1" in system_info for feature in ("AMX_INT8", "AMX_BF16", "AMX_TILE"))


EXTRA_BUFFERS_ENV = "HARNESS_LLAMA_EXTRA_BUFFERS"
THREADS_ENV = "HARNESS_LLAMA_THREADS"
PROMPT_CACHE_ENV = "HARNESS_LLAMA_PROMPT_CACHE_MB"
DEFAULT_PROMPT_CACHE_MB = 512


def prompt_cache_bytes() -> int:
    """Memory for llama.cpp states kept after each completion (`HARNESS_LLAMA_PROMPT_CACHE_MB`, default 512; 0 = off).

    A prompt that starts like an earlier prompt plus its reply (the next turn of a conversation, the
    same judge instructions before another transcript) resumes from that state instead of reading the
    whole prompt again, however calls of different conversations interleave. The output is the same;
    least recently used states go first when the memory is full. Measured on 2 cores, one thread:
    six interleaved turns of two conversations took 7.8 s with it, 14.1 s without.

    Raises:
        LocalModelError: the variable is set to something other than a whole number of megabytes.
    """
    fix = f"give megabytes as a whole number, e.g. {PROMPT_CACHE_ENV}=512 (0 turns it off)"
    megabytes = _whole_number_env(PROMPT_CACHE_ENV, minimum=0, fix=fix)
    return (DEFAULT_PROMPT_CACHE_MB if megabytes is None else megabytes) << 20


def _whole_number_env(name: str, minimum: int, fix: str) -> int | None:
    """The whole number in environment variable `name` (None when unset or blank); `fix` says what to set instead."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < minimum:
        raise LocalModelError(f"{name}={value!r}: {fix}")
    return int(value)


def llama_threads() -> int:
    """Threads llama.cpp computes with: `HARNESS_LLAMA_THREADS`, else one per CPU this process may use.

    On a machine shared with other jobs fewer threads are faster: llama.cpp's threads wait for each
    other at every step, so one thread held up by a neighbour holds all of them up (measured on 2
    cores with a test run beside: 4 calls took 14 s on 1 thread, 21 s on 2).

    Raises:
        LocalModelError: the variable is set to something other than a positive integer.
    """
    threads = _whole_number_env(THREADS_ENV, minimum=1, fix=f"give a positive number of threads, e.g. {THREADS_ENV}=1")
    if threads is not None:
        return threads
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(os.cpu_count() or 2)
    return max(1, len(usable))


@contextmanager
def _model_params(llama_cpp: Any, **fields: Any) -> Iterator[None]:
    """Set llama_model_params fields that `llama_cpp.Llama()` does not take as arguments.

    Llama() starts from `llama_model_default_params()`; for the duration of one load (callers
    hold `_models_lock`) that function returns defaults with `fields` changed.
    """
    module = llama_cpp.llama_cpp
    original = module.llama_model_default_params

    def defaults() -> Any:
        params = original()
        for name, value in fields.items():
            setattr(params, name, value)
        return params

    module.llama_model_default_params = defaults
    try:
        yield
    finally:
        module.llama_model_default_params = original


@modelapi(name="local")
class LocalModelAPI(ModelAPI):
    """GGUF models on the CPU: `local/smollm2-135m`, `local/gemma3-270m` or `local/PATH.gguf`.

    Model args: `n_ctx` (context length, default 4096), `chat_format` (a llama-cpp-python chat
    format, for GGUF files without a chat template; default: the file's template) and
    `extra_buffers` (llama.cpp's repacked weight buffers; default: on unless the build uses AMX). Tool calls are
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
        extra_buffers: bool | None = None,
        **model_args: Any,
    ) -> None:
        super().__init__(model_name=model_name, base_url=base_url, api_key=api_key, config=config or GenerateConfig())
        if model_args:
            raise LocalModelError(
                "local/ models take model_args n_ctx, chat_format and extra_buffers, "
                f"got {', '.join(sorted(model_args))}"
            )
        self._path = resolve_model_path(model_name)
        known = KNOWN_MODELS.get(model_name)
        self._llama = load_llama(
            self._path, int(n_ctx), chat_format or (known.chat_format if known else None), _flag(extra_buffers)
        )

    def max_tokens(self) -> int | None:
        return DEFAULT_MAX_TOKENS

    def max_connections(self) -> int:
        return 1

    def retry_wait(self) -> Any:
        # inspect's default backoff passes tenacity's deprecated `initial=`; the same schedule, current API
        from tenacity import wait_exponential_jitter

        return wait_exponential_jitter(multiplier=3, max=30 * 60, jitter=3)

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput, ModelCall]:
        from harness.models._tool_emulation import ToolCallEmulation

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
        cancelled = CancelFlag()
        try:
            # abandoned on cancel (Ctrl-C, a time limit): the thread stops at its next token, or before it
            # starts if it is still queued for the model, so the process can end within a second or two
            response = await anyio.to_thread.run_sync(self._complete, request, cancelled, abandon_on_cancel=True)
        except ValueError as ex:
            if "context window" not in str(ex):
                raise
            output = ModelOutput.from_content(self.model_name, "", stop_reason="model_length", error=str(ex))
            return output, ModelCall.create(request, {"error": str(ex)}, time=time.monotonic() - started)
        finally:
            cancelled.set()
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

    def _complete(self, request: dict[str, Any], cancelled: CancelFlag) -> dict[str, Any]:
        """One generation in a worker thread, given up as soon as `cancelled` is set (the caller was cancelled)."""
        while not _generate_lock.acquire(timeout=_POLL_SECONDS):
            if cancelled.is_set():
                raise Abandoned()
        try:
            return run_cancellable(self._llama, cancelled, lambda: self._llama.create_chat_completion(**request))
        finally:
            _generate_lock.release()


_POLL_SECONDS = 0.05


def load_local_model(
    name: str, n_ctx: int = DEFAULT_CONTEXT, extra_buffers: bool | None = None, logits_all: bool = False
) -> Any:
    """The process-wide `llama_cpp.Llama` behind `local/NAME`, for plugins that need more than chat.

    The same object the `local/` provider generates with (loaded once per process, AMX-safe), e.g.
    for log-likelihoods of given continuations. Use it under `local_model_lock()`: llama.cpp
    contexts are not thread-safe.

    Args:
        name: `smollm2-135m`, `gemma3-270m` or a path to a .gguf file (with or without `local/`).
        n_ctx: Context length.
        extra_buffers: llama.cpp's repacked weight buffers; None chooses as the provider does.
        logits_all: Keep the logits of every position (llama.cpp's `logits_all`), e.g. to score
            whole sequences; a model instance of its own, separate from the provider's.

    Raises:
        LocalModelError: Unknown name, missing package or file, or llama-cpp-python not installed.
    """
    name = name.removeprefix("local/")
    known = KNOWN_MODELS.get(name)
    return load_llama(resolve_model_path(name), n_ctx, known.chat_format if known else None, extra_buffers, logits_all)


def local_model_lock() -> threading.Lock:
    """The lock every use of a local model's context must hold (generation included)."""
    return _generate_lock


def _flag(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise LocalModelError(f"model_args.extra_buffers must be true or false, got {value!r}")


def _stop_reason(finish_reason: str | None) -> StopReason:
    reasons: dict[str, StopReason] = {"length": "max_tokens", "stop": "stop"}
    return reasons.get(finish_reason or "", "unknown")
