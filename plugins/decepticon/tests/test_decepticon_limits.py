"""The concurrency rule: browser actions follow the cores, open episodes the memory; overrides; the public API."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from decepticon_testkit import REPO

import harness_decepticon
from harness import ConfigError
from harness_decepticon import CATEGORIES, browser_limits, interleave, load_tasks


@pytest.mark.parametrize(
    ("cores", "memory_mib", "actions", "episodes"),
    [(2, 24_000, 2, 60), (2, 21_000, 2, 52), (8, 2_000, 8, 5), (1, 300, 1, 2), (64, 200_000, 64, 64)],
)
def test_actions_follow_the_cores_and_episodes_the_memory(monkeypatch, cores, memory_mib, actions, episodes):
    monkeypatch.delenv("DECEPTICON_ACTIONS", raising=False)
    monkeypatch.delenv("DECEPTICON_EPISODES", raising=False)
    limits = browser_limits(cores=cores, memory_mib=memory_mib)
    assert (limits.actions, limits.episodes) == (actions, episodes)
    assert f"{cores} cores" in limits.describe()


def test_this_machine_gets_a_rule_of_its_own(monkeypatch):
    monkeypatch.delenv("DECEPTICON_ACTIONS", raising=False)
    monkeypatch.delenv("DECEPTICON_EPISODES", raising=False)
    limits = browser_limits()
    assert limits.cores >= 1 and limits.available_mib > 0
    assert limits.actions == limits.cores and 2 <= limits.episodes <= 64


def test_environment_overrides_and_their_bad_values(monkeypatch):
    monkeypatch.setenv("DECEPTICON_ACTIONS", "3")
    monkeypatch.setenv("DECEPTICON_EPISODES", "7")
    assert (browser_limits(cores=2, memory_mib=24_000).actions, browser_limits().episodes) == (3, 7)
    for bad in ("0", "lots", "-2"):
        monkeypatch.setenv("DECEPTICON_ACTIONS", bad)
        with pytest.raises(ConfigError, match="DECEPTICON_ACTIONS=.*whole number of at least 1"):
            browser_limits()


def test_interleave_takes_the_categories_in_turn():
    order = [t.category for t in interleave(load_tasks())[: 2 * len(CATEGORIES)]]
    assert order == list(CATEGORIES) * 2


def test_the_bench_uses_only_the_public_api():
    bench = REPO / "bench" / "decepticon.py"
    tree = ast.parse(Path(bench).read_text())
    imported = [
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("harness_decepticon")
        for alias in node.names
    ]
    assert imported, "the bench imports harness_decepticon"
    assert all(module == "harness_decepticon" for module, _ in imported), imported
    assert {name for _, name in imported} <= set(harness_decepticon.__all__)
