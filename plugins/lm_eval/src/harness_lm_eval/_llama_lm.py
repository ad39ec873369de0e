"""An lm-eval `LM` on an in-process llama.cpp model (`llama_cpp.Llama`).

lm-eval's `TemplateLM` does the request handling (context/continuation split, trailing spaces,
empty contexts); this class supplies what a backend must: tokenization, per-token log-likelihoods
and generation. The plugin uses it to score multiple-choice tasks by log-likelihood, and the
agreement bench hands it to `lm_eval.simple_evaluate`.

Log-likelihoods come from llama.cpp's low-level API on the model's own context (see
`_llama_scoring`), so the shared `local/` model serves them without reloading.
"""

from __future__ import annotations

import threading
from typing import Any, NamedTuple

from lm_eval.api.model import TemplateLM

from ._chat import ChatPrompt, parse_chat
from ._llama_scoring import continuation_logprob, forget

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
        plain = [
            _Request((self._render(context), continuation)) for context, continuation in (r.args for r in requests)
        ]
        return super().loglikelihood(plain, disable_tqdm=True)  # type: ignore[arg-type]

    def _loglikelihood_tokens(
        self, requests: list[tuple[tuple[str, str], list[int], list[int]]], **kwargs: Any
    ) -> list[tuple[float, bool]]:
        with self._lock:
            return [continuation_logprob(self.llama, context, continuation) for _, context, continuation in requests]

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
                forget(self.llama)  # generation uses the KV cache on its own terms
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
