"""Giving up a llama.cpp generation whose caller was cancelled (Ctrl-C, a time limit), within a token.

inspect abandons a cancelled model call at once, but the worker thread running llama.cpp goes on,
and the interpreter waits for it at exit: queued calls each generated in full behind the model's
lock (30-45 s to stop after Ctrl-C). A `CancelFlag` per call ends that work:
- a call still queued for the model's lock gives up when its flag is set;
- a running one stops before its next token: llama-cpp-python evaluates every token through the
  Python method `Llama.eval`, which checks the flag;
- a token (or prompt) already inside `llama_decode` is aborted by llama.cpp's abort callback.
"""

from __future__ import annotations

import ctypes
import platform
import threading
from typing import Any


class Abandoned(Exception):
    """A generation whose caller was cancelled: nobody waits for its result any more."""


class CancelFlag:
    """Set when a generation's caller is cancelled; aborts the llama.cpp decode it is attached to."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._abort: Any = None

    def is_set(self) -> bool:
        return self._event.is_set()

    def set(self) -> None:
        with self._lock:
            self._event.set()
            if self._abort is not None:
                self._abort.value = b"\x01"

    def attach(self, abort: Any) -> None:
        """Tie the flag to a model's abort byte while the flag's generation runs on it."""
        with self._lock:
            self._abort = abort
            if abort is not None:
                abort.value = b"\x01" if self._event.is_set() else b""

    def detach(self) -> None:
        with self._lock:
            if self._abort is not None:
                self._abort.value = b""
            self._abort = None


_running = threading.local()  # `flag`: the CancelFlag of the generation this thread runs


def run_cancellable(llama: Any, flag: CancelFlag, generate: Any) -> Any:
    """Run `generate()` (a call on `llama`, under the caller's lock) so that setting `flag` ends it.

    Raises:
        Abandoned: The flag was set before or while it ran.
    """
    abort = interruptible(llama)
    flag.attach(abort)
    _running.flag = flag
    try:
        if flag.is_set():
            raise Abandoned()
        return generate()
    finally:
        _running.flag = None
        flag.detach()


def interruptible(llama: Any) -> Any:
    """Prepare `llama` once: a flag check before each token and, where the C ABI allows, an abort byte
    for llama.cpp's abort callback. Returns the abort byte (or None); other users of the model
    (no flag set in their thread) are unaffected."""
    if not getattr(llama, "_harness_interruptible", False):
        evaluate = llama.eval

        def eval_unless_cancelled(tokens: Any) -> Any:
            flag = getattr(_running, "flag", None)
            if flag is not None and flag.is_set():
                raise Abandoned()
            try:
                return evaluate(tokens)
            except RuntimeError as ex:  # "llama_decode returned 2": the abort callback stopped it
                if flag is not None and flag.is_set():
                    raise Abandoned() from ex
                raise

        llama.eval = eval_unless_cancelled
        llama._harness_abort = _abort_byte(llama)
        llama._harness_interruptible = True
    return llama._harness_abort


def _abort_byte(llama: Any) -> Any:
    """A 2-byte buffer whose first byte, set to 1, makes llama.cpp abort the decode in progress.

    llama.cpp calls `bool abort(void *data)` between the operations of a decode, from its compute
    thread. A Python callback there would take the GIL hundreds of times per token (and wait for it
    while the event loop runs); libc's `strlen` on the buffer answers without Python: it returns 0
    or 1, which the x86-64 and AArch64 calling conventions return the way a bool is returned. On
    other machines, or without llama-cpp-python's context handle, there is no abort byte and a
    cancelled generation stops at its next token instead.
    """
    if platform.machine().lower() not in ("x86_64", "amd64", "aarch64", "arm64"):
        return None
    try:
        import llama_cpp

        context = llama._ctx.ctx  # private: llama-cpp-python's context handle (re-check on upgrades)
        callback = ctypes.cast(ctypes.CDLL(None).strlen, llama_cpp.llama_cpp.ggml_abort_callback)
        abort = ctypes.create_string_buffer(2)
        llama_cpp.llama_cpp.llama_set_abort_callback(context, callback, ctypes.cast(abort, ctypes.c_void_p))
    except (AttributeError, OSError, TypeError, ctypes.ArgumentError):
        return None
    llama._harness_abort_callback = callback  # kept alive as long as llama.cpp may call it
    return abort
