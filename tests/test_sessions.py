"""Users who come back: session order within a user, parallel users, memory across sessions, resume, workers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PluginDist, run_harness

SESSIONS = PluginDist(
    "harness-test-sessions",
    {"harness.tasks": {"sessions_demo": "sessions_plugin:sessions_demo"}},
    {
        "sessions_plugin/__init__.py": """\
            import asyncio
            import json
            import time

            from inspect_ai import Task
            from inspect_ai.dataset import Sample
            from inspect_ai.model import ModelOutput
            from inspect_ai.scorer import Score, accuracy, scorer
            from inspect_ai.solver import solver

            from harness import user_memory


            @solver
            def remember(seconds):
                async def solve(state, generate):
                    memory = user_memory()
                    seen = memory.get("last")
                    started = time.time()
                    await asyncio.sleep(seconds)
                    memory.set("last", state.metadata["harness_session"])
                    memory.set("visits", (memory.get("visits") or 0) + 1)
                    state.store.set("timing", [started, time.time()])
                    state.output = ModelOutput.from_content("scripted", json.dumps(seen))
                    return state

                return solve


            @scorer(metrics=[accuracy()])
            def saw_previous_session():
                async def score(state, target):
                    expected = state.metadata["harness_session"] - 1 or None
                    return Score(value=1 if json.loads(state.output.completion) == expected else 0)

                return score


            def sessions_demo(users: int = 3, sessions: int = 4, seconds: float = 0.3):
                \"\"\"Each user's sessions listed last first; each reads what the previous session wrote.\"\"\"
                samples = [
                    Sample(id=f"u{u}-s{s}", input="hello", metadata={"harness_user": f"u{u}", "harness_session": s})
                    for s in range(sessions, 0, -1)
                    for u in range(users)
                ]
                return Task(dataset=samples, solver=[remember(seconds)], scorer=saw_previous_session())
        """,
    },
)


def _samples(logs: Path):
    from inspect_ai.log import read_eval_log

    (location,) = [p for p in logs.rglob("*.eval") if ".shards" not in str(p)]
    return read_eval_log(str(location)).samples


def _check_order(samples, epochs: int = 1) -> float:
    """Every user's sessions ran one after another in session order; returns the most users running at once."""
    by_user: dict[tuple[str, int], list] = {}
    for sample in samples:
        by_user.setdefault((sample.metadata["harness_user"], sample.epoch), []).append(sample)
    assert len(samples) == 12 * epochs
    for (user, _), sessions in by_user.items():
        sessions.sort(key=lambda s: s.metadata["harness_session"])
        timings = [s.store["timing"] for s in sessions]
        for earlier, later in zip(timings, timings[1:], strict=False):
            assert earlier[1] <= later[0], f"{user}: a session started before the previous one ended"
    points = sorted((t, d) for s in samples for t, d in ((s.store["timing"][0], 1), (s.store["timing"][1], -1)))
    running, most = 0, 0
    for _, change in points:
        running += change
        most = max(most, running)
    return most


@pytest.mark.slow
def test_sessions_run_in_order_per_user_in_parallel_across_users_with_memory(plugin_site, tmp_path: Path):
    site = plugin_site(SESSIONS)
    logs = tmp_path / "logs"
    result = run_harness("eval", "task=sessions_demo", f"log_dir={logs}", "display=none", site=site)
    assert result.returncode == 0, result.stderr
    record = json.loads(next(logs.glob("*/results.json")).read_text())
    assert record["metrics"][0]["value"] == 1.0 and record["metrics"][0]["n"] == 12
    samples = _samples(logs)
    assert _check_order(samples) >= 2  # users ran side by side
    second = next(s for s in samples if s.id == "u0-s2")
    kept = second.store["harness.user_memory"]
    assert kept["read"] == ["last", "visits"] and kept["before"] == {"last": 1, "visits": 1}
    assert kept["after"] == {"last": 2, "visits": 2} and kept["wrote"] == {"last": 2, "visits": 2}


@pytest.mark.slow
def test_two_slots_and_reverse_order_do_not_deadlock_and_epochs_start_fresh(plugin_site, tmp_path: Path):
    site = plugin_site(SESSIONS)
    logs = tmp_path / "logs"
    saved = tmp_path / "memory.json"
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"u0": {"visits": 10}}))
    result = run_harness(
        "eval",
        "task=sessions_demo",
        "max_samples=2",
        "epochs=2",
        "task.seconds=0.05",
        f"user_memory.load={seed}",
        f"user_memory.save={saved}",
        f"log_dir={logs}",
        "display=none",
        site=site,
    )
    assert result.returncode == 0, result.stderr
    samples = _samples(logs)
    assert _check_order(samples, epochs=2) <= 2
    assert all(s.scores["saw_previous_session"].value == 1 for s in samples)  # each epoch starts fresh
    memories = json.loads(saved.read_text())
    assert memories["u0"] == {"visits": 14, "last": 4} and memories["u1"] == {"last": 4, "visits": 4}


@pytest.mark.slow
def test_workers_keep_each_users_sessions_together(plugin_site, tmp_path: Path):
    site = plugin_site(SESSIONS)
    logs = tmp_path / "logs"
    result = run_harness(
        "eval", "task=sessions_demo", "workers=2", "task.seconds=0.05", f"log_dir={logs}", "display=none", site=site
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(next(logs.glob("*/results.json")).read_text())
    assert record["metrics"][0]["value"] == 1.0 and record["metrics"][0]["n"] == 12
    from inspect_ai.log import read_eval_log

    shard_users = []
    for shard_log in logs.rglob("*.shards/*/*.eval"):
        users = {s.metadata["harness_user"] for s in read_eval_log(str(shard_log)).samples}
        shard_users.append(users)
    assert len(shard_users) == 2 and not (shard_users[0] & shard_users[1])  # no user split between workers


@pytest.mark.slow
def test_a_killed_session_run_resumes_in_order_with_its_memory(plugin_site, tmp_path: Path):
    site = plugin_site(SESSIONS)
    env = {**os.environ, "PYTHONPATH": str(site), "HARNESS_MODEL": "mockllm/model"}
    logs = tmp_path / "logs"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness",
            "eval",
            "task=sessions_demo",
            "task.seconds=1.0",
            "max_samples=3",
            f"log_dir={logs}",
            "display=none",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None and _done(logs) < 4:
        time.sleep(0.3)
    process.kill()
    process.wait()
    (run_dir,) = logs.iterdir()
    resumed = run_harness("eval", "--resume", str(run_dir), site=site)
    assert resumed.returncode == 0, resumed.stderr
    record = json.loads((run_dir / "results.json").read_text())
    assert record["metrics"][0]["value"] == 1.0 and record["samples"]["completed"] == 12
    _check_order(_samples(logs))


def _done(logs: Path) -> int:
    from inspect_ai.log import read_eval_log_sample_summaries

    found = list(logs.glob("*/*.eval"))
    try:
        return sum(1 for s in read_eval_log_sample_summaries(str(found[0])) if s.scores) if found else 0
    except Exception:  # being written
        return 0


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({"harness_user": "a", "harness_session": "first"}, "metadata 'harness_session' must be an integer"),
        ({"harness_session": 1}, "has no metadata 'harness_user' while other samples do"),
    ],
)
def test_bad_session_metadata_is_named(metadata, message):
    from inspect_ai.dataset import Sample

    from harness import ConfigError
    from harness.run._session_order import session_order

    samples = [
        Sample(id="ok", input="x", metadata={"harness_user": "a", "harness_session": 2}),
        Sample(id="bad", input="x", metadata=metadata),
    ]
    with pytest.raises(ConfigError, match=message):
        session_order(samples)


def test_user_memory_outside_a_session_is_a_clear_error():
    from harness import HarnessError, user_memory

    with pytest.raises(HarnessError, match="user_memory\\(\\) is for the sessions of a user"):
        user_memory()
