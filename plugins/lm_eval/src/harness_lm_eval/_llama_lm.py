"""An lm-eval `LM` on an in-process llama.cpp model (`llama_cpp.Llama`).

lm-eval's `TemplateLM` does the request handling (context/continuation split, trailing spaces,
empty contexts); this class supplies what a backend must: tokenization, per-token log-likelihoods
and generation. The plugin uses it to score multiple-choice tasks by log-likelihood, and the
agreement bench hands it to `lm_eval.simple_evaluate`.

Log-likelihoods come from llama.cpp's low-level API on the model's own context: the tokens are
decoded with logits requested only at the positions that are scored, so the model needs no
`logits_all=True` (which would allocate n_ctx x n_vocab floats, 800 MB at 4096 x 49152).
The key-value cache keeps the longest common prefix between calls, so the choices of one question
share one pass over the question.
"""

from __future__ import annotations

import threading
from typing import Any, NamedTuple

import numpy as np
from lm_eval.api.model import TemplateLM

from ._chat import ChatPrompt, parse_chat

DEFAULT_MAX_GEN_TOKS = 256
"""lm-eval's default for generation length when a task sets no `max_gen_toks`."""

class _Request(NamedTuple):
    args: tuple[str, str]


class LlamaCppLM(TemplateLM):
    """lm-eval LM backed by a loaded `llama_cpp.Llama`.

    Args:
        llama: The model (for `local/NAME`, the process-wide one from `harness.load_local_model`).
        max_gen_toks: Generation length for tasks that set none.
        lock: Held around every use of the model's context; default `harness.local_model_lock()`,
            the lock the `local/` provider generates under.
    """

    def __init__(
        self, llama: Any, max_gen_toks: int = DEFAULT_MAX_GEN_TOKS, lock: threading.Lock | None = None
    ) -> None:
        super().__init__()
        self.llama = llama
        self.max_gen_toks = max_gen_toks
        if lock is None:
            from harness import local_model_lock

            lock = local_model_lock()
        self._lock = lock
        self._cached: list[int] = []  # tokens whose keys/values are in the context, from position 0

    @property
    def eot_token_id(self) -> int:
        return int(self.llama.token_eos())

    @property
    def prefix_token_id(self) -> int:
        bos = int(self.llama.token_bos())
        return bos if bos >= 0 else self.eot_token_id

    @property
    def max_length(self) -> int:
        return int(self.llama.n_ctx())

    @property
    def tokenizer_name(self) -> str:
        return "llama_cpp:" + str(self.llama.metadata.get("general.name", "model"))

    def tok_encode(self, string: str, add_special_tokens: bool | None = None, **kwargs: Any) -> list[int]:
        """Token ids of `string`; special tokens written in it (a rendered chat template) are parsed."""
        return list(self.llama.tokenize(string.encode("utf-8"), add_bos=bool(add_special_tokens), special=True))

    def apply_chat_template(self, chat_history: list[dict[str, Any]], add_generation_prompt: bool = True) -> str:
        """The messages as a request string: rendered by the model's chat template at use."""
        from ._chat import chat_template

        return chat_template(chat_history, add_generation_prompt)

    def loglikelihood(self, requests: list[Any], disable_tqdm: bool = True) -> list[tuple[float, bool]]:
        """`(log p(continuation | context), greedy?)` per request; chat contexts rendered by the model's template."""
        plain = [_Request((self._render(context), continuation)) for context, continuation in (r.args for r in requests)]
        return super().loglikelihood(plain, disable_tqdm=True)  # type: ignore[arg-type]

    def _loglikelihood_tokens(
        self, requests: list[tuple[tuple[str, str], list[int], list[int]]], **kwargs: Any
    ) -> list[tuple[float, bool]]:
        results = []
        with self._lock:
            for _, context, continuation in requests:
                results.append(self._score(context, continuation))
        return results

    def loglikelihood_rolling(self, requests: list[Any], disable_tqdm: bool = False) -> list[float]:
        raise NotImplementedError("loglikelihood_rolling (perplexity tasks) is not supported")

    def generate_until(self, requests: list[Any], disable_tqdm: bool = False) -> list[str]:
        """Greedy (or as configured) completions, stopped at the task's `until` strings.

        A chat context goes through `create_chat_completion` (the model's chat template), the way
        the harness's `local/` inspect provider calls it; a plain context through `create_completion`.
        """
        outputs = []
        for context, gen_kwargs in (r.args for r in requests):
            kwargs = dict(gen_kwargs or {})
            until = kwargs.get("until") or []
            request: dict[str, Any] = {
                "max_tokens": int(kwargs.get("max_gen_toks", self.max_gen_toks)),
                "temperature": float(kwargs.get("temperature", 0.0)) if kwargs.get("do_sample", False) else 0.0,
            }
            if until:
                request["stop"] = [until] if isinstance(until, str) else list(until)
            chat = parse_chat(context)
            with self._lock:
                self._cached = []  # generation reuses the context's cache on its own terms
                if chat is not None:
                    response = self.llama.create_chat_completion(messages=chat.messages, **request)
                    outputs.append(response["choices"][0]["message"].get("content") or "")
                else:
                    response = self.llama.create_completion(prompt=context, **request)
                    outputs.append(response["choices"][0]["text"] or "")
        return outputs

    def _render(self, context: str) -> str:
        chat = parse_chat(context)
        return context if chat is None else render_chat(self.llama, chat)

    def _score(self, context: list[int], continuation: list[int]) -> tuple[float, bool]:
        if not continuation:
            return 0.0, True
        tokens = (context + continuation)[-(self.max_length + 1) :]
        first = len(tokens) - len(continuation)  # index of the first scored token
        rows = self._logits_for(tokens[:-1], first - 1)
        total, greedy = 0.0, True
        for row, token in zip(rows, tokens[first:], strict=True):
            top = float(row.max())
            total += float(row[token]) - (top + float(np.log(np.exp(row - top).sum())))
            greedy = greedy and int(row.argmax()) == token
        return total, greedy

    def _logits_for(self, tokens: list[int], start: int) -> list[np.ndarray]:
        """Logits after each of `tokens[start:]` (decoding only what the cache does not hold)."""
        import llama_cpp

        llama = self.llama
        memory = llama_cpp.llama_get_memory(llama.ctx)
        if llama.n_tokens != 0:  # the model generated since our last call: its cache is not ours
            self._cached = []
        keep = min(_common_prefix(self._cached, tokens), start)
        llama_cpp.llama_memory_seq_rm(memory, -1, keep, -1)
        n_vocab, n_batch = llama.n_vocab(), llama.n_batch
        batch = llama_cpp.llama_batch_init(n_batch, 0, 1)
        rows: list[np.ndarray] = []
        try:
            for begin in range(keep, len(tokens), n_batch):
                chunk = tokens[begin : begin + n_batch]
                batch.n_tokens = len(chunk)
                for j, token in enumerate(chunk):
                    batch.token[j] = token
                    batch.pos[j] = begin + j
                    batch.n_seq_id[j] = 1
                    batch.seq_id[j][0] = 0
                    batch.logits[j] = begin + j >= start
                if llama_cpp.llama_decode(llama.ctx, batch) != 0:
                    self._cached = []
                    raise RuntimeError(f"llama.cpp could not decode {len(tokens)} tokens (context {self.max_length})")
                for j in range(len(chunk)):
                    if begin + j >= start:
                        logits = llama_cpp.llama_get_logits_ith(llama.ctx, j)
                        rows.append(np.ctypeslib.as_array(logits, shape=(n_vocab,)).astype(np.float64))
        finally:
            llama_cpp.llama_batch_free(batch)
            llama.reset()  # the Llama object's own bookkeeping: its next generation starts afresh
        self._cached = list(tokens)
        return rows


def render_chat(llama: Any, chat: ChatPrompt) -> str:
    """The chat prompt rendered by the model's own chat template (from its GGUF metadata)."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llama.metadata.get("tokenizer.chat_template")
    if not template:
        raise ValueError("this GGUF model has no chat template; run with task.apply_chat_template=false")
    formatter = Jinja2ChatFormatter(
        template=template,
        eos_token=_token_text(llama, llama.token_eos()),
        bos_token=_token_text(llama, llama.token_bos()),
        add_generation_prompt=chat.add_generation_prompt,
    )
    return formatter(messages=chat.messages).prompt  # type: ignore[arg-type]


def _token_text(llama: Any, token: int) -> str:
    return llama.detokenize([token], special=True).decode("utf-8", errors="ignore") if token >= 0 else ""


def _common_prefix(a: list[int], b: list[int]) -> int:
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n
