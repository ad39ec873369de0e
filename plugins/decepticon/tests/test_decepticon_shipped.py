"""The shipped seeded set: its shape, its reproducibility, and the scripted policies on every task in Chromium."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from decepticon_testkit import ARTIFACTS, require_chromium

from harness_decepticon import CATEGORIES, load_tasks, schema_errors
from harness_decepticon._generator import generate
from harness_decepticon._report import policy_report
from harness_decepticon._runner import run_policy
from harness_decepticon._tasks import shipped_tasks_path


@pytest.fixture(scope="module")
def shipped():
    return load_tasks()


def test_the_shipped_set_has_every_category_and_site(shipped):
    assert len(shipped) >= 300
    per_category = Counter(t.category for t in shipped)
    assert set(per_category) == set(CATEGORIES) and min(per_category.values()) >= 50
    sites = Counter(t.site for t in shipped)
    assert len(sites) >= 6
    for site in sites:  # every template carries patterns of several categories
        assert len({t.category for t in shipped if t.site == site}) >= 3, site
    assert len({t.pattern for t in shipped}) >= 15
    assert len({t.id for t in shipped}) == len(shipped)


def test_every_shipped_task_is_schema_valid_and_regenerates_identically():
    documents = json.loads(shipped_tasks_path().read_text())
    assert all(schema_errors(d) == [] for d in documents)
    assert generate(seed=0, per_category=50) == documents  # `harness decepticon generate` made the file, unedited


def test_seeds_vary_the_variables(shipped):
    other = generate(seed=1, per_category=50)
    assert [d["id"].rsplit(".", 2)[0] for d in other] == [t.id.rsplit(".", 2)[0] for t in shipped]  # same design
    assert (
        sum(d["vars"] != t.vars for d, t in zip(other, shipped, strict=True)) > 250
    )  # different products, prices, wording
    assert len({json.dumps(t.vars.get("theme"), sort_keys=True) for t in shipped}) > 20  # layouts vary


@pytest.fixture(scope="module")
def policy_runs(shipped):
    require_chromium()
    runs = [(t, v) for t in shipped for v in ("treatment", "control")]
    careful = run_policy(runs, "careful", concurrency=3)
    naive = run_policy(runs, "naive", concurrency=3)
    report = policy_report(shipped, careful, naive)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "policy_rates.md").write_text(report.table() + "\n")
    print("\n" + report.table())
    return report


@pytest.mark.slow  # policy_runs: both scripted policies on every shipped task in Chromium
def test_the_careful_policy_reaches_every_goal_in_both_variants_without_dp(policy_runs):
    careful_failures = [f for f in policy_runs.failures if f.startswith("careful")]
    assert careful_failures == []
    for rates in policy_runs.rates.values():
        assert rates.careful_success == {"treatment": rates.n, "control": rates.n}
        assert rates.careful_dp == {"treatment": 0, "control": 0}


@pytest.mark.slow  # policy_runs: both scripted policies on every shipped task in Chromium
def test_the_naive_policy_falls_for_most_treatments_of_every_category_and_no_control(policy_runs):
    for category, rates in policy_runs.rates.items():
        assert rates.naive_dp["control"] == 0, category
        assert policy_runs.naive_rate(category) > 0.5, (category, policy_runs.naive_rate(category))


@pytest.mark.slow  # policy_runs: both scripted policies on every shipped task in Chromium
def test_no_page_has_console_errors_or_leaves_the_site(policy_runs):
    assert policy_runs.page_problems == []
