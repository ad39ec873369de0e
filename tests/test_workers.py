"""`workers=N`: samples split among worker processes, merged into one inspect log and one record.

A real outside plugin (installed into a scratch site), real worker processes, real signals; the
merged log is compared with a single-process run of the same task sample by sample.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PluginDist, run_harness

SHARDY = PluginDist(
    "harness-test-shardy",
    {"harness.tasks": {"shardy": "shardy_plugin:shardy"}},
    {
        "shardy_plugin/__init__.py": """\
            import asyncio, os, signal
            from pathlib import Path

            from inspect_ai import Task
            from inspect_ai.dataset import Sample
            from inspect_ai.scorer import SampleScore, Score, mean, metric, scorer, std, var
            from inspect_ai.solver import generate, solver


            @metric
            def spread():
                \"\"\"Largest minus smallest score: not a mean of anything.\"\"\"
                def compute(scores: list[SampleScore]) -> float:
                    values = [s.score.as_float() for s in scores]
                    return max(values) - min(values)

                return compute


            @scorer(metrics=[mean(), std(), var(), spread()])
            def graded():
                async def score(state, target):
                    number = int(state.sample_id)
                    return Score(value=(number * 7 + state.epoch * 3) % 10 / 10)

                return score


            @solver
            def misbehave(fail_every, die_on, seconds, die_also):
                async def solve(state, generate_):
                    number = int(state.sample_id)
                    await asyncio.sleep(seconds)
                    for kill_on, suffix in ((die_on, ""), (die_also, ".also")):
                        marker = Path(os.environ.get("SHARDY_DIED", "") + suffix)
                        if kill_on and number == kill_on and not marker.exists():
                            marker.write_text(str(os.getpid()))
                            os.kill(os.getpid(), signal.SIGKILL)  # the worker dies mid-sample, once
                    if fail_every and number % fail_every == 0:
                        raise RuntimeError(f"sample {number} fails on purpose")
                    return await generate_(state)

                return solve


            def shardy(n: int = 12, fail_every: int = 0, die_on: int = 0, seconds: float = 0.0, die_also: int = 0):
                \"\"\"Id-less samples (inspect numbers them), some failing, one or two killing their worker.\"\"\"
                return Task(
                    dataset=[Sample(input=f"q{i}", target="mockllm") for i in range(n)],
                    solver=[misbehave(fail_every, die_on, seconds, die_also), generate()],
                    scorer=graded(),
                )
        """,
    },
)


def _log(run_dir: Path):
    from inspect_ai.log import read_eval_log

    (location,) = run_dir.glob("*.eval")  # one merged log beside the shards' directory
    return read_eval_log(str(location))


def _scores(log) -> dict:
    return {(s.id, s.epoch): (s.scores["graded"].value if s.scores else None, s.error is not None) for s in log.samples}


def _metrics(log) -> dict:
    return {(score.name, name): m.value for score in log.results.scores for name, m in score.metrics.items()}


def _run(site: Path, logs: Path, *settings: str, env: dict | None = None):
    result = run_harness("eval", "task=shardy", f"log_dir={logs}", "display=none", *settings, site=site, env=env)
    run_dir = next(logs.iterdir())
    return result, run_dir


@pytest.mark.slow
def test_two_workers_merge_into_the_log_and_record_of_one_process(plugin_site, tmp_path: Path):
    site = plugin_site(SHARDY)
    settings = ["task.n=13", "task.fail_every=5", "epochs=2", "fail_on_error=false", "limit=11"]
    one, one_dir = _run(site, tmp_path / "one", *settings)
    two, two_dir = _run(site, tmp_path / "two", *settings, "workers=2")
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    single, merged = _log(one_dir), _log(two_dir)
    assert merged.status == "success"
    assert _scores(merged) == _scores(single) and len(_scores(merged)) == 22  # limit first, then epochs
    assert sum(error for _, error in _scores(merged).values()) == 4  # samples 5 and 10, both epochs
    assert _metrics(merged) == pytest.approx(_metrics(single))
    assert {name for _, name in _metrics(merged)} == {"mean", "std", "var", "spread"}
    assert merged.eval.dataset.sample_ids == list(range(1, 12)) and merged.eval.config.limit == 11
    assert len(merged.eval.shards.ledger) == 2
    shard_logs = sorted(two_dir.glob("*.shards/*/*.eval"))
    assert len(shard_logs) == 2
    # the samples are the shards' own, whole (transcripts too), and the summaries list covers them in order
    from inspect_ai.log import read_eval_log, read_eval_log_sample_summaries

    whole = {(s.id, s.epoch): s.model_dump() for path in shard_logs for s in read_eval_log(str(path)).samples}
    assert {(s.id, s.epoch): s.model_dump() for s in merged.samples} == whole
    summaries = read_eval_log_sample_summaries(str(next(two_dir.glob("*.eval"))))
    assert [(s.id, s.epoch) for s in summaries] == [(i, e) for i in range(1, 12) for e in (1, 2)]
    assert {(s.id, s.epoch): s.scores["graded"].value if s.scores else None for s in summaries} == {
        key: value for key, (value, _) in _scores(single).items()
    }
    record_one = json.loads((one_dir / "results.json").read_text())
    record_two = json.loads((two_dir / "results.json").read_text())
    assert (
        record_two["samples"]
        == record_one["samples"]
        == {
            "total": 22,
            "completed": 18,
            "errors": 4,
            "epochs": 2,
            "infra_errors": 0,
            "flaky": 0,
            "not_run": 0,
            "cancelled": 0,
        }
    )
    for a, b in zip(record_one["metrics"], record_two["metrics"], strict=True):
        assert (a["name"], a["n"], a["ci_method"]) == (b["name"], b["n"], b["ci_method"])
        assert a["value"] == pytest.approx(b["value"]) and a["stderr"] == pytest.approx(b["stderr"])
    assert record_two["inspect_log"] == str(next(two_dir.glob("*.eval")))


def test_samples_a_stopped_run_never_started_are_not_run_in_one_process_and_in_workers(plugin_site, tmp_path: Path):
    site = plugin_site(SHARDY)
    # inspect's fail_on_error: the first failing sample (3, and 9 in the second shard) ends the eval
    one, one_dir = _run(site, tmp_path / "one", "workers=1", "max_samples=1", "task.fail_every=3")
    two, two_dir = _run(site, tmp_path / "two", "workers=2", "max_samples=2", "task.fail_every=3")
    for result, run_dir, completed, errors in ((one, one_dir, 2, 1), (two, two_dir, 4, 2)):
        assert result.returncode == 1, result.stderr
        assert "lost with their worker" not in result.stderr  # no worker died
        samples = json.loads((run_dir / "results.json").read_text())["samples"]
        assert (samples["completed"], samples["errors"]) == (completed, errors), samples
        # the next sample inspect had begun when the error came is cancelled; the rest never started
        assert samples["cancelled"] <= 2 and samples["total"] == 12
        assert samples["not_run"] == 12 - completed - errors - samples["cancelled"] > 0
        assert f"{samples['not_run']} not run" in result.stdout


@pytest.mark.slow
def test_a_dying_worker_loses_only_its_running_sample(plugin_site, tmp_path: Path):
    site = plugin_site(SHARDY)
    env = {"SHARDY_DIED": str(tmp_path / "died")}
    # two workers running one sample at a time: shard 0 has samples 1-6 and dies in sample 3
    result, run_dir = _run(site, tmp_path / "lost", "workers=2", "max_samples=2", "task.die_on=3", env=env)
    assert (tmp_path / "died").exists()
    assert result.returncode == 1, result.stderr
    assert "worker 0 stopped early (killed by signal 9)" in result.stderr
    log = _log(run_dir)
    errors = {s.id: s.error.message for s in log.samples if s.error}
    assert sorted(s.id for s in log.samples) == list(range(1, 13))  # nothing dropped
    assert list(errors) == [3] and "killed by signal 9" in errors[3]
    record = json.loads((run_dir / "results.json").read_text())
    assert record["status"] == "error" and record["samples"]["errors"] == 1 and record["samples"]["completed"] == 11
    # with retry_on_error the lost sample runs again in a replacement worker
    (tmp_path / "died").unlink()
    retried, retried_dir = _run(
        site, tmp_path / "retried", "workers=2", "max_samples=2", "task.die_on=3", "retry_on_error=1", env=env
    )
    assert retried.returncode == 0, retried.stderr
    record = json.loads((retried_dir / "results.json").read_text())
    assert record["status"] == "success" and record["samples"]["completed"] == 12


@pytest.mark.slow
def test_a_replacement_that_dies_too_is_replaced_once_and_its_lost_sample_retried(plugin_site, tmp_path: Path):
    site = plugin_site(SHARDY)
    env = {"SHARDY_DIED": str(tmp_path / "died")}
    # shard 0 (samples 1-6, one at a time) dies in 3; its replacement runs 3-6 and dies in 5; with
    # retry_on_error=1 each of 3 and 5 is retried once, and only the replacement's own leftovers
    # (5, 6) run in the next round: no second worker for what the first replacement already covers
    result, run_dir = _run(
        site, tmp_path / "twice", "workers=2", "max_samples=2", "task.die_on=3", "task.die_also=5",
        "retry_on_error=1", env=env,
    )  # fmt: skip
    assert (tmp_path / "died").exists() and (tmp_path / "died.also").exists()
    assert result.returncode == 0, result.stderr
    (shards,) = run_dir.glob("*.shards")
    assert sorted(int(p.name) for p in shards.iterdir()) == [0, 1, 1000, 3000]
    record = json.loads((run_dir / "results.json").read_text())
    assert record["status"] == "success" and record["samples"]["completed"] == 12
    assert sorted(s.id for s in _log(run_dir).samples) == list(range(1, 13))


@pytest.mark.slow
def test_hooks_see_every_sample_once_in_the_parent(plugin_site, tmp_path: Path):
    from test_eval import HOOKS

    site = plugin_site(SHARDY, HOOKS)
    out = tmp_path / "hook.json"
    result, run_dir = _run(site, tmp_path / "logs", "task.n=6", "workers=3", env={"HOOK_OUT": str(out)})
    assert result.returncode == 0, result.stderr
    seen = json.loads(out.read_text())
    record = json.loads((run_dir / "results.json").read_text())
    assert seen == {"start": record["run_id"], "task": "shardy", "samples": 6, "end": record["run_id"], "metrics": 4}


@pytest.mark.slow
def test_bad_worker_settings(plugin_site, tmp_path: Path):
    site = plugin_site(SHARDY)
    zero = run_harness("eval", "task=shardy", "workers=0", f"log_dir={tmp_path}", site=site)
    assert zero.returncode == 2 and "workers" in zero.stderr and "Traceback" not in zero.stderr
    word = run_harness("eval", "task=shardy", "workers=many", f"log_dir={tmp_path}", site=site)
    assert word.returncode == 2 and "workers" in word.stderr
    executor = run_harness("eval", "task=shardy", "executor=dask", f"log_dir={tmp_path}", site=site)
    assert executor.returncode == 2 and "executor" in executor.stderr
    many, run_dir = _run(site, tmp_path / "many", "task.n=3", "workers=8", "max_connections=2")
    assert many.returncode == 0, many.stderr
    assert "workers=8 is more than the 3 samples: using 3 workers" in many.stderr
    assert "max_connections=2 is shared by the workers: using 2 workers, not 3" in many.stderr
    assert len(list(run_dir.glob("*.shards/*/*.eval"))) == 2
    assert _log(run_dir).eval.model_generate_config.max_connections == 2  # the run's limit, not a share


def _worker_pids(run_id: str, logs: Path) -> list[int]:
    """Worker processes of the run: forked ones carry the parent's command line (with its log_dir)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes()
            environ = (proc / "environ").read_bytes()
            name = (proc / "comm").read_text().strip()
        except OSError:
            continue
        forked = name == "plugeval-worker" and f"log_dir={logs}".encode() in command
        spawned = b"harness.run.sharding._worker" in command and f"PLUGEVAL_RUN_ID={run_id}".encode() in environ
        if forked or spawned:
            pids.append(int(proc.name))
    return pids


@pytest.mark.slow
def test_ctrl_c_stops_every_worker_and_their_sandboxes(plugin_site, tmp_path: Path):
    from docker_support import require_docker
    from test_interrupt import SLOW

    require_docker()
    site = plugin_site(SLOW)
    logs = tmp_path / "logs"
    env = {**os.environ, "PYTHONPATH": str(site), "HARNESS_MODEL": "mockllm/model"}
    command = [
        sys.executable,
        "-m",
        "harness",
        "eval",
        "task=slow_shell",
        "workers=2",
        "max_samples=2",
        "max_sandboxes=2",
    ]
    process = subprocess.Popen([*command, f"log_dir={logs}"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    run_id = ""
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and process.poll() is None:
            runs = list(logs.glob("*/run.json"))
            if runs and not run_id:
                run_id = json.loads(runs[0].read_text())["run_id"]
            if run_id and len(_worker_pids(run_id, logs)) == 2 and _containers(run_id):
                break
            time.sleep(0.5)
        assert process.poll() is None, process.communicate()[1].decode()[-2000:]
        time.sleep(3)  # a few samples finish
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr.decode()[-2000:]
    assert _worker_pids(run_id, logs) == []
    assert _containers(run_id) == []
    record = json.loads(next(logs.glob("*/results.json")).read_text())
    assert record["status"] == "cancelled" and record["run_id"] == run_id
    assert record["samples"]["total"] == 40 and record["samples"]["completed"] < 40


def _containers(run_id: str) -> list[str]:
    found = subprocess.run(
        ["docker", "ps", "-aq", "--filter", f"label=plugeval.run={run_id}"], capture_output=True, text=True
    )
    return found.stdout.split()


@pytest.mark.parametrize("start", ["fork", "spawn"])
@pytest.mark.slow
def test_killing_harness_stops_its_workers_and_resume_finishes_the_run(plugin_site, tmp_path: Path, start: str):
    from test_interrupt import COUNTED

    site = plugin_site(COUNTED)
    runs_file = tmp_path / "runs.txt"
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "HARNESS_MODEL": "mockllm/model",
        "COUNTED_RUNS": str(runs_file),
        "HARNESS_WORKER_START": start,
    }
    logs = tmp_path / "logs"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness",
            "eval",
            "task=counted",
            "workers=2",
            "max_samples=2",
            f"log_dir={logs}",
            "display=none",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if runs_file.exists() and len(runs_file.read_text().split()) >= 8:
            break
        time.sleep(0.3)
    (run_dir,) = logs.iterdir()
    run_id = json.loads((run_dir / "run.json").read_text())["run_id"]
    process.kill()  # SIGKILL: no handler runs; the workers are told by the kernel
    process.wait()
    deadline = time.monotonic() + 60
    while _worker_pids(run_id, logs) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _worker_pids(run_id, logs) == []
    assert not (run_dir / "results.json").exists() and not list(run_dir.glob("*.eval"))  # nothing merged yet
    assert len(list(run_dir.glob("*.shards/*/*.eval"))) == 2  # each worker wrote its cancelled log
    from inspect_ai.log import read_eval_log

    for f in sorted(run_dir.glob("*.shards/*/*.eval")):
        lg = read_eval_log(str(f))
        print("SHARD", f.name, lg.status, len(lg.samples or []), sorted(s.id for s in lg.samples or []))
    print("RUNS", runs_file.read_text().split())
    before = len(runs_file.read_text().split())
    resumed = run_harness("eval", "--resume", str(run_dir), env={"COUNTED_RUNS": str(runs_file)}, site=site)
    assert resumed.returncode == 0, resumed.stderr
    record = json.loads((run_dir / "results.json").read_text())
    assert record["status"] == "success" and record["samples"]["completed"] == 30 and record["run_id"] == run_id
    rerun = len(runs_file.read_text().split()) - 30  # samples that ran twice: at most those in flight
    assert rerun <= 4, (before, rerun)


def test_the_parent_imports_inspects_lazy_modules_once_for_its_forked_workers():
    """What inspect's eval imports at the first sample is imported before the workers are forked; a module a
    later inspect-ai moved is skipped (the eval imports what it needs itself)."""
    script = """
import sys
import harness.run._inspect_call as call
call.EVAL_LAZY_IMPORTS = (*call.EVAL_LAZY_IMPORTS, "inspect_ai._moved_in_a_later_release")
assert not any(m in sys.modules for m in call.EVAL_LAZY_IMPORTS)
call.import_eval_runtime()
print(sorted(m for m in call.EVAL_LAZY_IMPORTS if m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(
        sorted(["fastapi", "inspect_ai.agent._acp.server", "inspect_ai.model._openai_responses"])
    )
