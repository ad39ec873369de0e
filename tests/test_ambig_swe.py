"""Simulated users and the Ambig-SWE plugin (plugins/ambig_swe), on the real Docker engine."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from pathlib import Path

import pytest
from docker_support import require_docker

from conftest import REPO, PluginDist, pip_install, run_harness
from harness import ConfigError, SimulatorContext, Turn, load_run_config, run_eval
from harness.config._run_config import parse_overrides

DATA = REPO / "plugins" / "ambig_swe" / "tests" / "data"  # copies from the Ambig-SWE release (MIT), see its README
CONTINUE = "Please continue working on the task."


def tool_calls(*calls: tuple[str, dict]) -> dict:
    """mockllm model_args making the agent call these tools, in order."""
    from inspect_ai.model import ModelOutput

    return {"custom_outputs": [ModelOutput.for_tool_call("mockllm/model", name, args) for name, args in calls]}


def with_replies(model_args: dict, *replies: str) -> dict:
    """Append plain replies (e.g. the judge's) after the scripted tool calls."""
    from inspect_ai.model import ModelOutput

    return {
        "custom_outputs": model_args["custom_outputs"] + [ModelOutput.from_content("mockllm/model", r) for r in replies]
    }


def run(overrides: list[str], model_args: dict | None = None, registry=None):
    config = load_run_config(parse_overrides(overrides))
    if model_args:
        config.args["model"] = model_args
    return run_eval(config, registry)


# -- data -------------------------------------------------------------------------------------------


def test_the_loader_reads_published_rows_and_recovers_cut_test_lists():
    from harness_ambig_swe import load_instances

    loaded = load_instances(str(DATA / "requests.jsonl"), on_invalid="fail")
    assert len(loaded.instances) == 8 and loaded.problems == []
    first = loaded.instances[0]
    assert first.FAIL_TO_PASS and isinstance(first.FAIL_TO_PASS, list)
    assert first.problem_statement != first.original_issue
    assert "Full issue:" in first.hidden_info
    assert first.environment_setup_commit and first.version == "1.1"
    # a PASS_TO_PASS list the release's spreadsheet cut at 32,767 characters: complete items kept, and said so
    cut = load_instances(str(DATA / "others.jsonl"), on_invalid="fail").instances[2]
    assert cut.truncated == ["PASS_TO_PASS"] and len(cut.PASS_TO_PASS) > 100
    assert all(test.startswith("lib/matplotlib/") for test in cut.PASS_TO_PASS)


def test_malformed_rows_are_named_and_skipped_or_fail(tmp_path: Path):
    from harness_ambig_swe import load_instances

    good = json.loads((DATA / "requests.jsonl").open().readline())
    no_tests = {**good, "instance_id": "broken__no-tests", "test_patch": ""}
    bad_list = {**good, "instance_id": "broken__bad-list", "FAIL_TO_PASS": "[not json"}
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in (good, no_tests, bad_list)) + "\n{oops\n")
    loaded = load_instances(str(path), on_invalid="skip")
    assert [i.instance_id for i in loaded.instances] == [good["instance_id"]]
    assert len(loaded.problems) == 3
    assert "broken__no-tests: test_patch" in loaded.problems[0]
    assert "broken__bad-list: FAIL_TO_PASS" in loaded.problems[1]
    assert "row 4" in loaded.problems[2]
    with pytest.raises(ConfigError, match="broken__no-tests.*task.on_invalid=skip"):
        load_instances(str(path), on_invalid="fail")


def test_detection_metrics_on_a_known_confusion_table():
    from harness_ambig_swe import Confusion

    pairs = [(True, True)] * 3 + [(False, True)] * 1 + [(False, False)] * 4 + [(True, False)] * 2
    confusion = Confusion.of(pairs)
    assert (confusion.tp, confusion.fp, confusion.tn, confusion.fn) == (3, 1, 4, 2)
    rates = confusion.rates()
    assert rates["accuracy"] == pytest.approx(7 / 10)
    assert rates["precision"] == pytest.approx(3 / 4)
    assert rates["recall"] == pytest.approx(3 / 5)
    assert rates["f1"] == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert rates["fnr"] == pytest.approx(2 / 5)
    assert rates["fpr"] == pytest.approx(1 / 5)


# -- simulators -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_oracle_answers_from_the_hidden_information_or_says_it_has_none():
    from harness.simulation._simulators import OracleSimulator

    context = SimulatorContext(
        hidden_info="The discount is a percentage. Totals are rounded to 2 decimals. The sky is blue."
    )
    oracle = OracleSimulator(top_k=1)
    answer = asyncio.run(oracle.reply([Turn("agent", "Is the discount a percentage or an amount?")], context))
    assert answer.text == "The discount is a percentage."
    none = asyncio.run(oracle.reply([Turn("agent", "Which database do you use?")], context))
    assert none.text == "I don't have that information."


@pytest.mark.slow
def test_replay_answers_the_nearest_recorded_question():
    from harness.simulation._simulators import ReplaySimulator

    path = DATA / "qa_pairs_claude_sonnet_sample.json"
    replay = ReplaySimulator(path=str(path))
    recorded = json.loads(path.read_text())
    assert len(replay) == len({r["instance_id"] for r in recorded})
    row = next(r for r in recorded if r["qa_pairs"])
    question, answer = row["qa_pairs"][0]
    context = SimulatorContext(hidden_info="", sample_id=row["instance_id"])
    reply = asyncio.run(replay.reply([Turn("agent", question)], context))
    assert reply.text == answer
    other = asyncio.run(replay.reply([Turn("agent", question)], SimulatorContext(hidden_info="", sample_id="unknown")))
    assert other.text == "I don't have that information."
    with pytest.raises(ConfigError, match="not found"):
        ReplaySimulator(path="/nonexistent.json")


def test_human_simulator_reads_typed_answers():
    from harness.simulation._simulators import HumanSimulator

    human = HumanSimulator(stream=io.StringIO("Use the percentage.\n"))
    reply = asyncio.run(human.reply([Turn("agent", "Percent?")], SimulatorContext(hidden_info="x")))
    assert reply.text == "Use the percentage."


# -- end to end (Docker) --------------------------------------------------------------------------


@pytest.fixture
def docker():
    require_docker()


@pytest.mark.slow
def test_gold_patch_resolves_all_and_empty_patch_none(docker, tmp_path: Path):
    gold = run_harness("eval", "task=ambig_swe", "solver=ambig_swe_gold", f"log_dir={tmp_path}", "display=none")
    assert gold.returncode == 0, gold.stdout + gold.stderr
    assert "tests_resolved/accuracy = 1.000" in gold.stdout and "n=6" in gold.stdout
    empty = run_harness("eval", "task=ambig_swe", "solver=ambig_swe_empty", f"log_dir={tmp_path}", "display=none")
    assert empty.returncode == 0, empty.stdout + empty.stderr
    assert "tests_resolved/accuracy = 0.000" in empty.stdout


@pytest.mark.slow
def test_interactive_agent_asks_within_the_turn_budget(docker, tmp_path: Path):
    questions = [
        ("ask_user", {"question": "Should nested dicts be merged recursively?"}),
        ("ask_user", {"question": "Which database server do you run?"}),
        ("ask_user", {"question": "Which file needs changes?"}),
        ("ask_user", {"question": "Anything else?"}),  # over the budget of 3
        ("submit", {"answer": "done"}),
    ]
    outcome = run(
        [
            "task=ambig_swe",
            "task.setting=interactive",
            "simulator=oracle",
            "limit=1",
            "max_samples=1",
            "model=mockllm/model",
            f"log_dir={tmp_path}",
            "display=none",
        ],
        model_args=with_replies(tool_calls(*questions), "4 - the answer settles it", "no rating here", "1", "5 key"),
    )
    record = outcome.record
    assert record["status"] == "success"
    simulation = record["simulation"]
    assert simulation["simulators"] == ["oracle"] and simulation["max_turns"] == 3
    assert simulation["questions_per_sample"]["value"] == 3 and simulation["over_budget_turns"] == 1
    from inspect_ai.log import read_eval_log

    sample = read_eval_log(record["inspect_log"]).samples[0]
    assert sample.id == "minisuite__confmerge-1"  # limit=1: the first instance
    turns = sample.store["harness.simulation"]["turns"]
    assert [t["over_budget"] for t in turns] == [False, False, False, True]
    assert turns[3]["answer"] == CONTINUE
    assert "merged recursively" in turns[0]["answer"]
    assert turns[1]["answer"] == "I don't have that information."
    assert "confmerge/merge.py" in turns[2]["answer"]
    events = [e for e in sample.events if e.event == "info" and getattr(e, "source", None) == "simulator"]
    assert len(events) == 4
    # effort graded by where the oracle's answer came from: the issue (low), nowhere (high), hints/files
    efforts = [t["info"].get("effort") for t in turns[:3]]
    assert efforts[0] == "low" and efforts[1] == "high" and efforts[2] in ("medium", "high")
    from harness_ambig_swe import proactivity

    metrics = {(m["scorer"], m["name"]): m for m in record["metrics"]}
    assert metrics[("proactivity", "mean")]["value"] == pytest.approx(proactivity(efforts))
    # the judge: "4", then a reply without a rating (retried: "1"), then "5"
    assert metrics[("question_quality", "mean_rating")]["value"] == pytest.approx((4 + 1 + 5) / 3)
    assert sample.scores["question_quality"].metadata["ratings"] == [4, 1, 5]


@pytest.mark.slow
def test_hidden_setting_user_only_says_continue(docker, tmp_path: Path):
    outcome = run(
        [
            "task=ambig_swe",
            "task.setting=hidden",
            "limit=1",
            "model=mockllm/model",
            f"log_dir={tmp_path}",
            "display=none",
        ],
        model_args=tool_calls(
            ("ask_user", {"question": "What should merge do with nested dicts?"}), ("submit", {"answer": "x"})
        ),
    )
    from inspect_ai.log import read_eval_log

    sample = read_eval_log(outcome.record["inspect_log"]).samples[0]
    assert [t["answer"] for t in sample.store["harness.simulation"]["turns"]] == [CONTINUE]


@pytest.mark.slow
def test_a_simulator_that_raises_errors_its_sample_and_the_run_goes_on(docker, tmp_path: Path):
    site = tmp_path / "site"
    dist = PluginDist(
        name="broken-sim",
        entry_points={"harness.simulators": {"broken": "broken_sim:broken"}},
        modules={
            "broken_sim/__init__.py": """
            class Broken:
                name = "broken"
                max_turns = 3
                async def reply(self, conversation, context):
                    raise RuntimeError("simulator backend down")

            def broken():
                return Broken()
        """
        },
    )
    pip_install(["--target", str(site), str(dist.write(tmp_path / "src"))])
    sys.path.insert(0, str(site))
    try:
        from harness import Registry

        asks = [("ask_user", {"question": "Which file?"})] * 6  # 2 samples, each tried 3 times (infra retries)
        outcome = run(
            [
                "task=ambig_swe",
                "simulator=broken",
                "limit=2",
                "max_samples=1",
                "fail_on_error=false",
                "model=mockllm/model",
                f"log_dir={tmp_path}",
                "display=none",
            ],
            model_args=tool_calls(*asks),
            registry=Registry.from_environment(),
        )
    finally:
        sys.path.remove(str(site))
    record = outcome.record
    assert record["samples"]["errors"] == 2 and record["status"] == "success"
    from inspect_ai.log import read_eval_log

    errors = [s.error.message for s in read_eval_log(record["inspect_log"]).samples]
    assert all("simulator 'broken' failed: RuntimeError: simulator backend down" in e for e in errors), errors


@pytest.mark.slow
def test_detection_mode_runs_and_reports_rates_with_intervals(docker, tmp_path: Path):
    result = run_harness(
        "eval",
        "task=ambig_swe",
        "task.detection=true",
        "task.message_limit=4",
        "model=mockllm/model",
        f"log_dir={tmp_path}",
        "display=none",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    record = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    rates = {m["name"]: m for m in record["metrics"] if m["scorer"] == "asked_when_underspecified"}
    assert set(rates) == {"detection_accuracy", "precision", "recall", "f1", "fnr", "fpr"}
    assert rates["recall"]["value"] == 0.0  # mockllm never asks
    assert rates["detection_accuracy"]["ci_method"] == "bootstrap" and rates["detection_accuracy"]["n"] == 6
    # no question was asked, so there is no rating: empty with n=0, not 0.000 on a 1-5 scale
    rating = next(m for m in record["metrics"] if m["scorer"] == "question_quality")
    assert rating["name"] == "mean_rating" and rating["value"] is None and rating["n"] == 0


@pytest.mark.slow
def test_the_local_model_runs_the_benchmark_end_to_end(docker, tmp_path: Path):
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        pytest.skip("plugeval[local] not installed") if not __import__("os").environ.get("CI") else pytest.fail(
            "CI installs plugeval[local]"
        )
    result = run_harness(
        "eval",
        "task=ambig_swe",
        "model=local/smollm2-135m",
        "limit=1",
        "max_tokens=64",
        "task.message_limit=4",
        f"log_dir={tmp_path}",
        "display=none",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    record = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    assert record["samples"]["completed"] == 1 and record["tokens"]["by_model"]["local/smollm2-135m"]["output"] > 0


# -- proactivity, personalization, question quality -----------------------------------------------


def test_proactivity_and_personalization_rewards_follow_the_documented_formulas():
    from harness_ambig_swe import personalization, proactivity

    assert proactivity([]) == 0.0
    assert proactivity(["low", "low"]) == pytest.approx(0.05)
    assert proactivity(["low", "medium", "high"]) == pytest.approx(-0.1 - 0.5)
    one_at_a_time = {"one_question_at_a_time": True}
    assert personalization(["Which file?"], {}) == 0.0
    assert personalization(["Which file?", "Is it merge.py?"], one_at_a_time) == pytest.approx(0.05)
    assert personalization(["Which file? And which line?", "Why?"], one_at_a_time) == pytest.approx(-0.1)
    assert personalization([], {"no_questions": True}) == pytest.approx(0.05)
    assert personalization(["May I ask?"], {"no_questions": True}) == pytest.approx(-0.1)


def test_oracle_grades_effort_by_where_the_answer_comes_from():
    from harness_ambig_swe import EFFORT_BY_SECTION

    from harness.simulation import OracleSimulator

    context = SimulatorContext(
        hidden_info="",
        sections={
            "issue": "Nested dicts must be merged recursively.",
            "hints": "The code uses dict unpacking.",
            "files": "Files that need changes: confmerge/merge.py.",
        },
        section_effort=EFFORT_BY_SECTION,
    )
    oracle = OracleSimulator(top_k=1)

    def effort(question: str) -> str:
        return asyncio.run(oracle.reply([Turn("agent", question)], context)).info["effort"]

    assert effort("Should nested dicts be merged recursively?") == "low"
    assert effort("Does the code use dict unpacking?") == "medium"
    assert effort("Which files need changes?") == "high"
    assert effort("What is your favourite colour?") == "high"


def test_the_judge_rating_is_parsed_or_left_out():
    from harness_ambig_swe import parse_rating

    assert parse_rating("4 - it adds the rounding rule") == 4
    assert parse_rating("Rating: 5.") == 5
    assert parse_rating("I would say seven") is None


def test_llm_simulator_answers_through_an_inspect_model():
    from harness.run._offline import install_offline_token_counting
    from harness.simulation._simulators import LLMSimulator

    install_offline_token_counting()  # as run_eval does: mockllm counts tokens with a downloaded file
    simulator = LLMSimulator(model="mockllm/model")
    assert simulator.name == "llm:mockllm/model"
    reply = asyncio.run(simulator.reply([Turn("agent", "Which file?")], SimulatorContext(hidden_info="merge.py")))
    assert reply.text.startswith("Default output from mockllm")


@pytest.mark.slow
def test_full_setting_gives_the_agent_no_user(docker, tmp_path: Path):
    outcome = run(
        [
            "task=ambig_swe",
            "task.setting=full",
            "limit=1",
            "model=mockllm/model",
            f"log_dir={tmp_path}",
            "display=none",
        ],
        model_args=tool_calls(("ask_user", {"question": "Anyone there?"}), ("submit", {"answer": "x"})),
    )
    from inspect_ai.log import read_eval_log

    sample = read_eval_log(outcome.record["inspect_log"]).samples[0]
    assert "Hints:" in sample.input and "Full issue" not in sample.input
    tool_messages = [m for m in sample.messages if m.role == "tool"]
    assert tool_messages and tool_messages[0].error is not None  # ask_user is not a tool in this setting
    assert outcome.record["simulation"] is None


FLAKY_TEST = (
    "diff --git a/tests/test_flaky.py b/tests/test_flaky.py\n"
    "new file mode 100644\n"
    "--- /dev/null\n"
    "+++ b/tests/test_flaky.py\n"
    "@@ -0,0 +1,7 @@\n"
    "+import os\n"
    "+\n"
    "+\n"
    "+def test_sometimes():\n"
    "+    first = not os.path.exists('/tmp/flaky-ran')\n"
    "+    open('/tmp/flaky-ran', 'w').close()\n"
    "+    assert not first, 'fails the first time only, as a test under load does'\n"
)


@pytest.mark.slow
def test_a_test_that_fails_then_passes_alone_is_flaky_not_a_failure(docker, tmp_path: Path):
    from importlib import resources

    from inspect_ai.log import read_eval_log

    shipped = resources.files("harness_ambig_swe").joinpath("data/minisuite.jsonl").read_text()
    row = json.loads(shipped.splitlines()[0])
    row["test_patch"] += FLAKY_TEST
    required = row["FAIL_TO_PASS"]  # a JSON list in a string, as published
    row["FAIL_TO_PASS"] = json.dumps([*json.loads(required), "tests/test_flaky.py::test_sometimes"])
    dataset = tmp_path / "flaky.jsonl"
    dataset.write_text(json.dumps(row) + "\n")
    outcomes = {}
    for solver in ("ambig_swe_gold", "ambig_swe_empty"):
        result = run(["task=ambig_swe", f"task.dataset={dataset}", "task.setting=full", f"solver={solver}",
                      f"log_dir={tmp_path / solver}", "display=none"])  # fmt: skip
        [sample] = read_eval_log(result.record["inspect_log"]).samples
        outcomes[solver] = sample.scores["tests_resolved"]
    gold, empty = outcomes["ambig_swe_gold"], outcomes["ambig_swe_empty"]
    assert gold.value == "C" and gold.metadata["flaky"] == ["tests/test_flaky.py::test_sometimes"], gold
    assert gold.metadata["failing_tests"] == [] and "passed" in gold.metadata["output_tail"]
    # the agent's real failures fail again when run alone: they stay failures; the flaky one is flaky again
    assert empty.value == "I" and "tests/test_flaky.py::test_sometimes" in empty.metadata["flaky"]
    assert "tests/test_merge.py::test_nested_dicts_merge" in empty.metadata["failing_tests"]
    assert "tests/test_flaky.py::test_sometimes" not in empty.metadata["failing_tests"]
