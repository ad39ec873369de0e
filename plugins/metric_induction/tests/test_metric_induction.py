"""Metric induction (plugins/metric_induction): the bank, retrieval, regression math and agreement."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import REPO

SIMPEVAL = REPO / "plugins" / "metric_induction" / "examples" / "simpeval.csv"


def synthetic(n: int = 400, seed: int = 1) -> tuple[dict[str, np.ndarray], np.ndarray]:
    rng = np.random.default_rng(seed)
    columns = {name: rng.normal(size=n) for name in ("m1", "m2", "m3", "m4")}
    human = 2.0 * columns["m1"] - 1.0 * columns["m3"] + 0.1 * rng.normal(size=n)
    return columns, human


@pytest.mark.parametrize("method", ["pls", "lasso", "ridge"])
def test_regression_recovers_the_known_weights(method):
    from harness_metric_induction import fit_composite

    columns, human = synthetic()
    composite = fit_composite(columns, human, method=method, top_k=2)
    assert set(composite.weights) == {"m1", "m3"}
    assert composite.weights["m1"] > 0 > composite.weights["m3"]
    ratio = composite.weights["m1"] / -composite.weights["m3"]
    assert ratio == pytest.approx(2.0, rel=0.15)
    if method != "pls":  # the least-squares fits recover the scale too (z-scored inputs, std ≈ 1)
        assert composite.weights["m1"] == pytest.approx(2.0, rel=0.1)
    predicted = composite.predict(columns)
    assert np.corrcoef(predicted, human)[0, 1] > 0.99


def test_generated_metrics_with_negative_weight_are_dropped():
    from harness_metric_induction import fit_composite

    columns, human = synthetic()
    composite = fit_composite(columns, human, top_k=2, generated=frozenset({"m3"}))
    assert composite.dropped == ["m3"]
    assert set(composite.weights) == {"m1"}
    kept_bank = fit_composite(columns, human, top_k=2, generated=frozenset({"m1"}))
    assert kept_bank.dropped == [] and set(kept_bank.weights) == {"m1", "m3"}  # a negative *bank* weight stays


def test_constant_metrics_are_left_out_and_all_constant_is_an_error():
    from harness_metric_induction import fit_composite

    columns, human = synthetic()
    composite = fit_composite({**columns, "flat": np.ones(len(human))}, human, top_k=5)
    assert "flat" not in composite.weights
    with pytest.raises(ValueError, match="constant"):
        fit_composite({"flat": np.ones(5)}, [1, 2, 3, 4, 5])


def test_kendall_tau_and_its_interval_on_known_orders():
    from harness_metric_induction import correlations

    human = list(range(30))
    same = correlations(human, human, resamples=200)
    assert same["kendall_tau"].value == pytest.approx(1.0) and same["spearman"].value == pytest.approx(1.0)
    reversed_ = correlations(human[::-1], human, resamples=200)
    assert reversed_["kendall_tau"].value == pytest.approx(-1.0)
    # one discordant pair among C(4,2)=6: tau = (5 - 1) / 6
    swapped = correlations([1, 2, 4, 3], [1, 2, 3, 4], resamples=200)
    assert swapped["kendall_tau"].value == pytest.approx(4 / 6)
    noisy = correlations(
        np.arange(100) + np.random.default_rng(0).normal(scale=30, size=100), np.arange(100), resamples=300
    )
    low, high = noisy["kendall_tau"].ci95
    assert low < noisy["kendall_tau"].value < high and 0 < low and high < 1


def test_bank_metrics_on_hand_checked_inputs():
    from harness_metric_induction import BANK

    def value(name, output, refs=(), source=""):
        return BANK[name].compute(output, refs, source)

    assert value("bleu", "the cat sat on the mat", ["the cat sat on the mat"]) == pytest.approx(100.0)
    assert value("chrf", "the cat", ["the cat"]) == pytest.approx(100.0)
    assert value("ter", "the cat", ["the cat"]) == pytest.approx(0.0)
    assert value("rouge_l", "the cat sat", ["the cat sat"]) == pytest.approx(1.0)
    assert value("levenshtein", "abcd", ["abce"]) == pytest.approx(0.75)
    assert value("distinct_1", "a a b") == pytest.approx(2 / 3)
    assert value("distinct_2", "a b a b") == pytest.approx(2 / 3)
    assert value("length_words", "one two three") == 3
    assert value("compression", "one two", source="one two three four") == pytest.approx(0.5)
    assert value("fkgl", "The cat sat.") < value(
        "fkgl",
        "Notwithstanding considerable institutional opposition, "
        "the administration implemented comprehensive regulatory reforms.",
    )


def test_retrieval_ranks_metrics_for_the_task():
    from harness_metric_induction import rank_metrics

    top = [name for name, _ in rank_metrics("readability grade level of simplified text")[:3]]
    assert "fkgl" in top
    assert rank_metrics("lexical diversity and repetition")[0][0] in ("distinct_1", "distinct_2")


def test_bank_only_pipeline_on_simpeval_holds_out_20_percent():
    from harness_metric_induction import load_rows, run_bank_only

    rows = load_rows(SIMPEVAL)
    assert len(rows) == 360
    result = run_bank_only(
        rows, "text simplification readability meaning preservation", retrieve_k=5, top_k=3, resamples=200
    )
    assert result.train_rows + result.test_rows == 360
    assert 0.7 < result.train_rows / 360 < 0.9
    tau = result.composite_agreement["kendall_tau"]
    assert tau.ci95[0] <= tau.value <= tau.ci95[1] and tau.n == result.test_rows
    assert 1 <= len(result.composite.weights) <= 3


def test_an_induced_set_declares_the_scale_its_values_are_on():
    import csv

    from harness_metric_induction._metricset import load_metric_set

    shipped = load_metric_set(REPO / "scorers" / "simpeval-bank.yaml")
    scores = [float(r["score"]) for r in csv.DictReader(SIMPEVAL.open())]
    assert shipped.scale is None and not shipped.metrics  # bank only: no LLM metric, so no rating scale
    assert shipped.composite_scale == pytest.approx((min(scores), max(scores)), abs=1e-3)  # the human scores' range
