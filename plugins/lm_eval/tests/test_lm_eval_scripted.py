"""The plugin against lm-eval's own evaluator, with scripted models on both sides (no weights, offline)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from harness_lm_eval import lm_eval
from lm_eval_support import (
    ScriptedLM,
    lm_eval_doc_metrics,
    run_inspect,
    run_lm_eval,
    scripted_inspect_model,
    write_tasks,
)


@pytest.fixture(scope="module")
def tasks_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tasks(tmp_path_factory.mktemp("lm_eval_tasks"))


def _sample_metric(log, sample_id: str) -> dict[str, float]:
    [sample] = [s for s in log.samples if s.id == sample_id]
    return sample.scores["lm_eval"].value


def _mean(log, key: str) -> float:
    [score] = [s for s in log.results.scores if s.name == key]
    return score.metrics["mean"].value


def _report(log) -> dict[str, float]:
    [score] = [s for s in log.results.scores if s.name == "lm_eval"]
    return {name: m.value for name, m in score.metrics.items()}


@pytest.mark.parametrize("chat", [False, True], ids=["plain", "chat"])
def test_generate_until_prompts_and_scores_are_lm_evals(tasks_dir: Path, tmp_path: Path, chat: bool) -> None:
    theirs_lm = ScriptedLM()
    theirs = run_lm_eval("tiny_gsm", tasks_dir, theirs_lm, apply_chat_template=chat, fewshot_as_multiturn=chat)
    seen: list = []
    task = lm_eval(name="tiny_gsm", include_path=str(tasks_dir), apply_chat_template=chat)
    log = run_inspect(task, scripted_inspect_model(seen), tmp_path)

    # the prompt the model saw, few-shot examples from lm-eval's sampler included, is lm-eval's
    assert len(theirs_lm.generation_requests) == len(log.samples) == 4
    for doc_id, (their_prompt, gen_kwargs) in enumerate(theirs_lm.generation_requests):
        [sample] = [s for s in log.samples if s.id == f"tiny_gsm/{doc_id}"]
        if chat:
            ours = [{"role": m.role, "content": m.text} for m in sample.input]
            assert ours == their_prompt
            assert [m["role"] for m in ours] == ["user", "assistant", "user", "assistant", "user"]  # 2 shots
        else:
            assert sample.input == their_prompt
            assert their_prompt.count("Question:") == 3 and their_prompt.endswith("\nAnswer:")
        assert gen_kwargs["until"] == ["Question:", "</s>", "<|im_end|>"]
    for _messages, config in seen:
        assert config.stop_seqs == ["Question:", "</s>", "<|im_end|>"]
        assert config.temperature == 0.0 and config.max_tokens == 256
    first_prompts = {json.dumps(p) for p, _ in theirs_lm.generation_requests}
    assert len(first_prompts) == 4

    # lm-eval's filters and metric (exact_match with gsm8k's regexes) per document and overall
    for doc_id, metrics in lm_eval_doc_metrics(theirs, "tiny_gsm").items():
        assert _sample_metric(log, f"tiny_gsm/{doc_id}") == metrics
    their_row = theirs["results"]["tiny_gsm"]
    assert _mean(log, "exact_match,strict-match") == their_row["exact_match,strict-match"] == 0.5
    assert _mean(log, "exact_match,flexible-extract") == their_row["exact_match,flexible-extract"] == 0.75
    [sample] = [s for s in log.samples if s.id == "tiny_gsm/3"]
    assert sample.scores["lm_eval"].metadata["lm_eval"]["filtered_resps"] == {
        "strict-match": ["2."],
        "flexible-extract": ["2."],
    }


@pytest.mark.parametrize("group", ["tiny_math", "tiny_math_macro"])
def test_groups_aggregate_with_lm_evals_weighting(tasks_dir: Path, tmp_path: Path, group: str) -> None:
    theirs = run_lm_eval(group, tasks_dir, ScriptedLM(), apply_chat_template=True, fewshot_as_multiturn=True)
    log = run_inspect(lm_eval(name=group, include_path=str(tasks_dir)), scripted_inspect_model(), tmp_path)
    report = _report(log)
    assert len(log.samples) == 6
    for name in (group, "tiny_gsm", "tiny_gsm_b"):
        for key in ("exact_match,strict-match", "exact_match,flexible-extract"):
            assert report[f"{name}/{key}"] == pytest.approx(theirs["results"][name][key])
    # tiny_gsm scores 2/4 and tiny_gsm_b 2/2 on strict-match: size-weighted 4/6, unweighted 3/4
    expected = 4 / 6 if group == "tiny_math" else 3 / 4
    assert report[f"{group}/exact_match,strict-match"] == pytest.approx(expected)
    assert _mean(log, "exact_match,strict-match") == pytest.approx(4 / 6)  # per-document mean over the group
    assert log.eval.metadata["lm_eval_groups"] == {group: ["tiny_gsm", "tiny_gsm_b"]}


def test_multiple_choice_prompts_are_lm_evals_and_fall_back_to_letters(tasks_dir: Path, tmp_path: Path) -> None:
    from lm_eval.tasks import TaskManager

    theirs = TaskManager(include_path=str(tasks_dir), include_defaults=False).load(["tiny_arc"])["tasks"]["tiny_arc"]
    theirs.set_config(key="num_fewshot", value=theirs.get_config("num_fewshot"))
    theirs.set_fewshot_seed(seed=1234)
    theirs.build_all_requests()
    task = lm_eval(name="tiny_arc", include_path=str(tasks_dir), apply_chat_template=False)
    letters = {"barking": "ANSWER: B", "sky": "ANSWER: A", "freezes": "ANSWER: A", "spider": "ANSWER: D"}
    reply = lambda prompt: next(v for k, v in letters.items() if k in prompt.rsplit("Question:", 1)[-1])  # noqa: E731
    log = run_inspect(task, scripted_inspect_model(reply=reply), tmp_path)
    for instance in theirs.instances:
        [sample] = [s for s in log.samples if s.id == f"tiny_arc/{instance.doc_id}"]
        assert sample.input == instance.args[0]  # one example (num_fewshot: 1) then the question
        assert instance.args[0].count("Question:") == 2
        assert instance.args[1] == " " + sample.choices[instance.idx]  # lm-eval scores " choice"
    assert [s.target for s in sorted(log.samples, key=lambda s: s.id)] == ["B", "C", "A", "D"]
    # mockllm cannot give log-likelihoods: inspect's multiple_choice, under its own name
    scores = {s.name for s in log.results.scores}
    assert "generated_choice_accuracy" in scores and "acc,none" not in scores
    assert _mean(log, "generated_choice_accuracy") == 0.75
    record = log.samples[0].scores["lm_eval"].metadata["lm_eval"]
    assert record["scoring"] == "generated_choice" and "not lm-eval's acc" in record["note"]
    assert "ANSWER" in log.samples[0].messages[0].text  # inspect's multiple-choice template


def test_limit_counts_documents_per_task_as_lm_evals_does(tasks_dir: Path, tmp_path: Path) -> None:
    theirs = run_lm_eval("tiny_math", tasks_dir, ScriptedLM(), apply_chat_template=True, limit=1)
    log = run_inspect(
        lm_eval(name="tiny_math", include_path=str(tasks_dir), limit=1), scripted_inspect_model(), tmp_path
    )
    assert sorted(s.id for s in log.samples) == ["tiny_gsm/0", "tiny_gsm_b/0"]
    report = _report(log)
    for name in ("tiny_math", "tiny_gsm", "tiny_gsm_b"):
        assert report[f"{name}/exact_match,flexible-extract"] == theirs["results"][name]["exact_match,flexible-extract"]
