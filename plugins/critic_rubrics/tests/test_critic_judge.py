"""The LLM judge: batched prompts, parsing, retries of unanswered items, missing (never guessed), the cache."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from critic_testkit import TRAIN

from harness_critic_rubrics import Judge, annotate, load_rubric, parse_answers, read_runs

ITEMS = ["tests_left_failing", "repeated_failing_action", "broke_scope"]


def _scripted(*replies: str):
    """A scripted judge model: inspect's mockllm replying with `replies` in order."""
    from inspect_ai.model import ModelOutput, get_model

    outputs = [ModelOutput.from_content("mockllm/model", reply) for reply in replies]
    return get_model("mockllm/model", custom_outputs=outputs, memoize=False)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_answers_parse_from_lines_or_json():
    assert parse_answers("tests_left_failing: yes\n- broke_scope: No\nother: yes", ITEMS) == {
        "tests_left_failing": 1,
        "broke_scope": 0,
    }
    assert parse_answers('Sure! {"repeated_failing_action": true, "broke_scope": "no"}', ITEMS) == {
        "repeated_failing_action": 1,
        "broke_scope": 0,
    }
    assert parse_answers("1. **tests_left_failing**: **Yes**", ITEMS) == {"tests_left_failing": 1}
    assert parse_answers("I think the agent did fine.", ITEMS) == {}


def test_unanswered_items_are_asked_again_then_missing(cache: Path):
    rubric = load_rubric().subset(ITEMS)
    trace = read_runs([str(TRAIN)])[0].trace
    model = _scripted("tests_left_failing: yes\nnonsense", "repeated_failing_action: no", "still nothing")
    judge = Judge(model, batch_size=3, retries=2)
    answers = asyncio.run(judge.judge(trace, rubric, list(rubric.items)))
    assert answers == {"tests_left_failing": 1, "repeated_failing_action": 0, "broke_scope": None}
    stats = judge.stats
    assert (stats.asked, stats.parsed_first, stats.parsed_retry, stats.missing, stats.calls) == (3, 1, 1, 1, 3)

    again = Judge(_scripted("broke_scope: yes"), batch_size=3, retries=0)
    assert asyncio.run(again.judge(trace, rubric, list(rubric.items))) == {**answers, "broke_scope": 1}
    assert (again.stats.cached, again.stats.calls) == (2, 1)  # parsed answers came from the cache; only the gap asked


def test_batches_split_the_items_and_both_keeps_detectors(cache: Path):
    rubric = load_rubric()
    traces = [s.trace for s in read_runs([str(TRAIN)])[:2]]
    judge = Judge(_scripted(*["misunderstood_request: no"] * 8), batch_size=5, retries=0, cache=False)
    annotations = annotate(traces, rubric, "both", judge)
    asked = [i.name for i in rubric.items if i.detector is None]  # 9 items without a detector: 2 prompts of 5 and 4
    assert judge.stats.calls == 2 * 2 and judge.stats.asked == 2 * len(asked)
    for annotation in annotations:
        assert annotation.items["misunderstood_request"] == 0 and annotation.source["misunderstood_request"] == "llm"
        assert annotation.items["broke_scope"] is None  # unanswered: missing, never guessed
        assert annotation.source["tests_left_failing"] == "programmatic" and annotation.evidence["tests_left_failing"]
