"""Log-likelihoods of continuations on a `llama_cpp.Llama`, through llama.cpp's low-level API.

The context is decoded in one pass (logits only for its last token), the continuation in a second
pass over the context's cached keys and values (logits for every token). llama.cpp's numbers depend
on how tokens are batched (a one-token batch takes another kernel than a longer one), so this fixed
split makes every score independent of request order and of what was cached before. A context
shared by consecutive requests (the choices of one question) is decoded once.

No `logits_all=True` is needed, which would allocate n_ctx x n_vocab floats (800 MB at 4096 x 49152).
Callers hold the model's lock.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class _Cached:
    model: weakref.ref[Any]  # an id can be reused once its model is gone
    context: list[int]
    last_logits: np.ndarray


_cache: dict[int, _Cached] = {}
"""Per model object (shared by every caller): the context whose keys/values are in its KV cache."""


def forget(llama: Any) -> None:
    """The model's KV cache is about to be used by something else (e.g. generation)."""
    _cache.pop(id(llama), None)


def continuation_logprob(llama: Any, context: list[int], continuation: list[int]) -> tuple[float, bool]:
    """`(log p(continuation | context), whether every continuation token is the argmax)`.

    Token lists as lm-eval's `TemplateLM` splits them; the sequence is cut on the left to the
    model's context length, as lm-eval's backends do.
    """
    if not continuation:
        return 0.0, True
    tokens = (context + continuation)[-(int(llama.n_ctx()) + 1) :]
    split = max(1, len(tokens) - len(continuation))
    rows = [_context_logits(llama, tokens[:split])]
    rows += _decode(llama, tokens[split:-1], start=split, want_from=split)
    total, greedy = 0.0, True
    for row, token in zip(rows, tokens[split:], strict=True):
        top = float(row.max())
        total += float(row[token]) - (top + float(np.log(np.exp(row - top).sum())))
        greedy = greedy and int(row.argmax()) == token
    llama.reset()  # the Llama object's own bookkeeping: its next generation starts afresh
    return total, greedy


def _context_logits(llama: Any, context: list[int]) -> np.ndarray:
    import llama_cpp

    memory = llama_cpp.llama_get_memory(llama.ctx)
    cached = _cache.get(id(llama))
    if llama.n_tokens == 0 and cached is not None and cached.model() is llama and cached.context == context:
        llama_cpp.llama_memory_seq_rm(memory, -1, len(context), -1)  # drop the last continuation
        return cached.last_logits
    _cache.pop(id(llama), None)
    llama_cpp.llama_memory_clear(memory, True)
    [last] = _decode(llama, context, start=0, want_from=len(context) - 1)
    _cache[id(llama)] = _Cached(weakref.ref(llama), list(context), last)
    return last


def _decode(llama: Any, tokens: list[int], start: int, want_from: int) -> list[np.ndarray]:
    """Decode `tokens` at positions `start`..., in the model's batch size; logits from `want_from` on."""
    import llama_cpp

    n_vocab, n_batch = llama.n_vocab(), llama.n_batch
    rows: list[np.ndarray] = []
    if not tokens:
        return rows
    batch = llama_cpp.llama_batch_init(n_batch, 0, 1)
    try:
        for offset in range(0, len(tokens), n_batch):
            chunk = tokens[offset : offset + n_batch]
            batch.n_tokens = len(chunk)
            for j, token in enumerate(chunk):
                position = start + offset + j
                batch.token[j] = token
                batch.pos[j] = position
                batch.n_seq_id[j] = 1
                batch.seq_id[j][0] = 0
                batch.logits[j] = position >= want_from
            if llama_cpp.llama_decode(llama.ctx, batch) != 0:
                _cache.pop(id(llama), None)
                raise RuntimeError(f"llama.cpp could not decode {len(tokens)} tokens at position {start}")
            for j in range(len(chunk)):
                if start + offset + j >= want_from:
                    logits = llama_cpp.llama_get_logits_ith(llama.ctx, j)
                    rows.append(np.ctypeslib.as_array(logits, shape=(n_vocab,)).astype(np.float64))
    finally:
        llama_cpp.llama_batch_free(batch)
    return rows
