"""The shipped seeded set: its shape, its reproducibility, and the scripted policies on every page design in Chromium.

The Chromium check is one test per category, so pytest-xdist spreads it over its workers (each with its own
browser); `test-artifacts/decepticon/policy_rates/<category>.md` keeps each category's table. It runs
the category's first ten tasks and one task of each (site, pattern) design not among them, both variants
(68 of the 300 tasks: every template a page is made from, in about a quarter of the time). `harness
decepticon check` runs both policies on every shipped task (the README's table); the shipped file itself
is checked against its generator task by task above.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from decepticon_testkit import ARTIFACTS, require_chromium

from harness_decepticon import CATEGORIES, load_tasks, schema_errors
from harness_decepticon._model import VARIANTS
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


FIRST = 10
"""Tasks per category run twice by the naive policy: the first 60 of the interleaved set (`limit=120`)."""


@pytest.mark.slow
@pytest.mark.parametrize("category", CATEGORIES)
def test_the_scripted_policies_on_every_design_of_a_category(shipped, category):
    """Careful reaches every goal without DP; naive falls for most treatments and no control; pages stay clean;
    and the naive policy repeated on the category's first tasks, at another concurrency, gives the same outcomes."""
    require_chromium()
    in_category = [t for t in shipped if t.category == category]
    tasks = in_category[:FIRST]  # the first tasks (the naive run repeats on them), then any design not yet in
    seen = {(t.site, t.pattern) for t in tasks}
    for t in in_category:
        if (t.site, t.pattern) not in seen:
            seen.add((t.site, t.pattern))
            tasks.append(t)
    runs = [(t, v) for t in tasks for v in VARIANTS]
    careful = run_policy(runs, "careful")
    naive = run_policy(runs, "naive")
    report = policy_report(tasks, careful, naive)
    folder = ARTIFACTS / "policy_rates"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{category}.md").write_text(report.table() + "\n")

    assert [f for f in report.failures if f.startswith("careful")] == []
    rates = report.rates[category]
    assert rates.careful_success == {"treatment": rates.n, "control": rates.n}
    assert rates.careful_dp == {"treatment": 0, "control": 0}
    assert rates.naive_dp["control"] == 0
    assert report.naive_rate(category) > 0.5, report.naive_rate(category)
    assert report.page_problems == []

    again = run_policy(runs[: 2 * FIRST], "naive", concurrency=1)
    assert [(o["success"], o["dp"]) for o in again] == [(o["success"], o["dp"]) for o in naive[: 2 * FIRST]]
