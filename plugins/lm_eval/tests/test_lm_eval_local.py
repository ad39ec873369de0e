"""The plugin on the real local model (SmolLM2-135M via llama.cpp) against lm-eval on the same model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from harness_lm_eval import LlamaCppLM, lm_eval
from lm_eval_support import in_worker, lm_eval_doc_metrics, run_inspect, run_lm_eval, write_tasks

MODEL = "local/smollm2-135m"


@pytest.fixture(scope="module")
def tasks_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tasks(tmp_path_factory.mktemp("lm_eval_local_tasks"))


@pytest.fixture(scope="module")
def local_lm() -> LlamaCppLM:
    from harness import load_local_model

    return LlamaCppLM(load_local_model("smollm2-135m"))


class _Request:
    def __init__(self, context: str, continuation: str) -> None:
        self.args = (context, continuation)


def test_loglikelihoods_match_llama_cpp_logits(local_lm: LlamaCppLM) -> None:
    """Our low-level scoring (context decoded once, logits only where scored) against llama-cpp-python's
    `logits_all=True` scores, decoding context then continuation as we do (llama.cpp's numbers depend
    on the batching), in an order that exercises the context cache."""
    from harness import load_local_model

    # loaded as the harness loads models: a raw llama_cpp.Llama segfaults on CPUs with AMX
    reference = load_local_model(local_lm.llama.model_path, n_ctx=512, logits_all=True)
    question = "Question: Which animal is known for barking?\nAnswer:"
    pairs = [
        (question, " cat"),
        (question, " dog"),
        ("The sky is", " blue today"),
        (question, " a big fish"),
        ("", "Hello"),
    ]
    ours = in_worker(local_lm.loglikelihood, [_Request(c, x) for c, x in pairs])
    assert in_worker(local_lm.loglikelihood, [_Request(question, " dog")]) == [ours[1]]  # alone as after " cat"
    for (context, continuation), (logprob, greedy) in zip(pairs, ours, strict=True):
        whole = local_lm.tok_encode(context + continuation)
        split = len(local_lm.tok_encode(context)) if context else 0
        if not context:  # lm-eval conditions an empty context on the prefix token
            whole, split = [local_lm.prefix_token_id, *whole], 1
        reference.reset()
        in_worker(reference.eval, whole[:split])
        in_worker(reference.eval, whole[split:-1])
        rows = np.asarray(reference.scores[split - 1 : len(whole) - 1], dtype=np.float64)
        top = rows.max(axis=1, keepdims=True)
        logprobs = rows - (top + np.log(np.exp(rows - top).sum(axis=1, keepdims=True)))
        expected = sum(logprobs[i, token] for i, token in enumerate(whole[split:]))
        assert logprob == pytest.approx(expected, abs=1e-4)
        assert greedy == all(rows[i].argmax() == token for i, token in enumerate(whole[split:]))
        assert logprob < 0


def test_multiple_choice_by_loglikelihood_is_lm_evals(tasks_dir: Path, local_lm: LlamaCppLM, tmp_path: Path) -> None:
    theirs = run_lm_eval("tiny_arc", tasks_dir, local_lm, apply_chat_template=False)
    log = run_inspect(lm_eval(name="tiny_arc", include_path=str(tasks_dir), apply_chat_template=False), MODEL, tmp_path)
    their_lls = {s["doc_id"]: [r[0][0] for r in s["resps"]] for s in theirs["samples"]["tiny_arc"]}
    for doc_id, metrics in lm_eval_doc_metrics(theirs, "tiny_arc").items():
        [sample] = [s for s in log.samples if s.id == f"tiny_arc/{doc_id}"]
        assert sample.scores["lm_eval"].value == metrics
        assert [ll for ll, _ in sample.store["lm_eval_loglikelihoods"]] == pytest.approx(their_lls[doc_id], abs=1e-6)
        assert sample.scores["lm_eval"].metadata["lm_eval"]["scoring"] == "loglikelihood"
    scores = {s.name: s.metrics for s in log.results.scores}
    assert scores["acc,none"]["mean"].value == theirs["results"]["tiny_arc"]["acc,none"]
    assert scores["acc_norm,none"]["mean"].value == theirs["results"]["tiny_arc"]["acc_norm,none"]


def test_greedy_generations_agree_with_lm_eval(tasks_dir: Path, local_lm: LlamaCppLM, tmp_path: Path) -> None:
    theirs = run_lm_eval(
        "tiny_gsm",
        tasks_dir,
        local_lm,
        apply_chat_template=True,
        fewshot_as_multiturn=True,
        gen_kwargs={"max_gen_toks": 10},
    )
    log = run_inspect(lm_eval(name="tiny_gsm", include_path=str(tasks_dir)), MODEL, tmp_path, max_tokens=10)
    their_metrics = lm_eval_doc_metrics(theirs, "tiny_gsm")
    for sample in theirs["samples"]["tiny_gsm"]:
        [ours] = [s for s in log.samples if s.id == f"tiny_gsm/{sample['doc_id']}"]
        assert ours.output.completion == sample["resps"][0][0]
        assert ours.output.completion  # the model did write something
        assert ours.scores["lm_eval"].value == their_metrics[sample["doc_id"]]
