"""Running evaluations end to end on inspect-ai with offline models."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import PluginDist, run_harness
from harness import load_run_config, read_record, run_eval
from harness.config._run_config import parse_overrides


def scripted(*replies: str) -> dict:
    """mockllm model_args that make the model give these replies, in order."""
    from inspect_ai.model import ModelOutput

    return {"custom_outputs": [ModelOutput.from_content("mockllm/model", reply) for reply in replies]}


def test_eval_writes_a_schema_valid_record_with_uncertainty(tmp_path: Path):
    # arithmetic's first four answers are 7, 36, 12, 120: three right, one wrong.
    config = load_run_config(parse_overrides(["task=arithmetic", "limit=4", f"log_dir={tmp_path}", "display=none"]))
    config.args["model"].update(scripted("So 7", "It is 36", "12", "wrong"))
    outcome = run_eval(config)
    record = read_record(outcome.results_path)  # validates against the published schema
    assert record["status"] == "success"
    assert record["samples"] == {"total": 4, "completed": 4, "errors": 0, "epochs": 1, "infra_errors": 0, "flaky": 0, "not_run": 0, "cancelled": 0}
    (accuracy,) = [m for m in record["metrics"] if m["name"] == "accuracy"]
    assert accuracy["value"] == pytest.approx(0.75)
    assert accuracy["n"] == 4
    assert accuracy["stderr"] == pytest.approx(0.25)  # sd 0.5 / sqrt(4)
    assert accuracy["ci_method"] == "wilson"
    low, high = accuracy["ci95"]
    assert low == pytest.approx(0.3006, abs=1e-3) and high == pytest.approx(0.9544, abs=1e-3)
    assert Path(record["inspect_log"]).parent == outcome.results_path.parent
    assert record["tokens"]["total"] > 0
    assert record["params"]["limit"] == 4
    assert record["versions"]["plugins"][0] == {
        "kind": "task",
        "name": "arithmetic",
        "dist": "plugeval",
        "version": record["versions"]["plugeval"],
    }


def test_epochs_are_averaged_per_sample_before_the_interval(tmp_path: Path):
    config = load_run_config(
        parse_overrides(["task=capitals", "limit=2", "epochs=2", f"log_dir={tmp_path}", "display=none"])
    )
    outcome = run_eval(config)
    (accuracy,) = [m for m in outcome.record["metrics"] if m["name"] == "accuracy"]
    assert accuracy["n"] == 2
    assert outcome.record["samples"]["epochs"] == 2


def test_solver_and_scorer_overrides_with_typed_params(tmp_path: Path):
    config = load_run_config(
        parse_overrides(
            [
                "task=capitals",
                "limit=2",
                "scorer=match",
                "scorer.location=any",
                "solver=system_message",
                "solver.message=Be brief.",
                f"log_dir={tmp_path}",
                "display=none",
            ]
        )
    )
    config.args["model"].update(scripted("It is Paris.", "Osaka"))
    record = run_eval(config).record
    assert [m["scorer"] for m in record["metrics"]] == ["match"]
    assert record["metrics"][0]["value"] == pytest.approx(0.5)
    assert {p["name"] for p in record["versions"]["plugins"]} == {"capitals", "match", "system_message"}


def test_cli_eval_prints_scores_with_ci_and_where_results_are(tmp_path: Path):
    result = run_harness("eval", "task=sentiment", "limit=3", f"log_dir={tmp_path}", "display=none")
    assert result.returncode == 0, result.stderr
    assert "match/accuracy = 0.000  95% CI [0.000, 0.561] (wilson)  n=3" in result.stdout
    results_line = next(line for line in result.stdout.splitlines() if line.startswith("results: "))
    assert Path(results_line.removeprefix("results: ")).is_file()


def test_offline_eval_with_network_unreachable(tmp_path: Path):
    """mockllm counts tokens with tiktoken, which downloads its encoding; offline runs must still work."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-n", "true"]).returncode != 0:
        pytest.fail("this test needs `unshare -n` (util-linux, run as root) to cut the network")
    cache = tmp_path / "empty-tiktoken-cache"
    cache.mkdir()
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(cache)}
    probe = subprocess.run(
        [
            "unshare",
            "-n",
            str(Path(os.sys.executable)),
            "-c",
            "import socket\ntry:\n    socket.create_connection(('pypi.org', 443), timeout=5)\n    print('ONLINE')\nexcept OSError:\n    print('OFFLINE')",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert probe.stdout.strip() == "OFFLINE"
    result = subprocess.run(
        [
            "unshare",
            "-n",
            os.sys.executable,
            "-m",
            "harness",
            "eval",
            "task=arithmetic",
            "limit=2",
            f"log_dir={tmp_path / 'logs'}",
            "display=none",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads(next((tmp_path / "logs").glob("*/results.json")).read_text())
    assert record["status"] == "success" and record["tokens"]["input"] > 0
    assert not list(cache.iterdir())  # nothing was downloaded


def test_model_errors_exit_non_zero_with_a_clear_message(tmp_path: Path):
    logs = tmp_path / "logs"
    result = run_harness("eval", "task=arithmetic", "model=nosuchprovider/x", f"log_dir={logs}", "display=none")
    assert result.returncode == 2
    assert "harness: error: model=nosuchprovider/x: no model provider 'nosuchprovider'" in result.stderr
    assert "mockllm" in result.stderr  # the known providers are listed
    assert not logs.exists()  # rejected before a run directory was made
    role = run_harness("eval", "task=arithmetic", "model_roles.grader=openai", f"log_dir={logs}", "display=none")
    assert role.returncode == 2 and "model_roles.grader=openai is not a model: write PROVIDER/NAME" in role.stderr


HOOKS = PluginDist(
    "harness-test-hooks",
    {"harness.hooks": {"recorder": "hook_plugins.recorder", "faulty": "hook_plugins.faulty"}},
    {
        "hook_plugins/__init__.py": "",
        "hook_plugins/recorder.py": """\
            import json, os
            from pathlib import Path
            from harness import hookimpl

            OUT = Path(os.environ["HOOK_OUT"])

            @hookimpl
            def harness_run_start(run_id, config):
                OUT.write_text(json.dumps({"start": run_id, "task": config["task"], "samples": 0}))

            @hookimpl
            def harness_sample_end(sample):
                data = json.loads(OUT.read_text())
                data["samples"] += 1
                OUT.write_text(json.dumps(data))

            @hookimpl
            def harness_run_end(run_id, record, results_path):
                data = json.loads(OUT.read_text())
                data["end"] = run_id
                data["metrics"] = len(record["metrics"])
                OUT.write_text(json.dumps(data))

            @hookimpl
            def harness_write_results(record, out_dir):
                path = out_dir / "summary.csv"
                path.write_text("run_id,status\\n" + record["run_id"] + "," + record["status"] + "\\n")
                return path
        """,
        "hook_plugins/faulty.py": """\
            from harness import hookimpl

            @hookimpl
            def harness_run_end(record):
                raise RuntimeError("dashboard unreachable")
        """,
    },
)


@pytest.mark.slow
def test_hooks_see_the_run_and_a_failing_hook_loses_nothing(plugin_site, tmp_path: Path):
    site = plugin_site(HOOKS)
    out = tmp_path / "hook.json"
    result = run_harness(
        "eval",
        "task=capitals",
        "limit=3",
        f"log_dir={tmp_path / 'logs'}",
        "display=none",
        site=site,
        env={"HOOK_OUT": str(out)},
    )
    assert result.returncode == 0, result.stderr
    assert (
        "hook plugin 'harness-test-hooks/faulty' failed in harness_run_end: RuntimeError: dashboard unreachable"
        in result.stderr
    )
    seen = json.loads(out.read_text())
    record = json.loads(next((tmp_path / "logs").glob("*/results.json")).read_text())
    assert seen == {"start": record["run_id"], "task": "capitals", "samples": 3, "end": record["run_id"], "metrics": 1}
    assert record["hook_errors"] == [
        {
            "plugin": "harness-test-hooks/faulty",
            "hook": "harness_run_end",
            "error": "RuntimeError: dashboard unreachable",
        }
    ]
    summary = next((tmp_path / "logs").glob("*/summary.csv"))
    assert f"also written: {summary}" in result.stdout


@pytest.mark.slow
def test_a_run_without_a_terminal_prints_progress_lines(tmp_path: Path):
    result = run_harness("eval", "task=arithmetic", "limit=4", f"log_dir={tmp_path}", env={"HARNESS_PROGRESS_SECONDS": "0"})
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("harness: ") and "samples" in line]
    assert lines[-1].startswith("harness: 4/4 samples (100%), elapsed ")
    assert any("ETA" in line for line in lines[:-1])
    chosen = run_harness("eval", "task=arithmetic", "limit=2", "display=none", f"log_dir={tmp_path}")
    assert "samples (" not in chosen.stderr  # a display the user chose is left alone


def test_provider_and_log_dir_problems_are_one_plain_line(tmp_path: Path):
    env = {k: "" for k in ("OPENAI_API_KEY", "AZUREAI_OPENAI_API_KEY")}
    keyless = run_harness("eval", "task=capitals", "model=openai/gpt-4o-mini", "limit=1", f"log_dir={tmp_path}", env=env)
    assert keyless.returncode == 2 and "OPENAI_API_KEY" in keyless.stderr
    assert "[bold]" not in keyless.stderr and "[/" not in keyless.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    unwritable = run_harness("eval", "task=capitals", "limit=1", f"log_dir={blocker}")
    assert unwritable.returncode == 2
    assert f"cannot write the run's logs to {blocker}" in unwritable.stderr and "log_dir=" in unwritable.stderr
    assert "Traceback" not in unwritable.stderr
