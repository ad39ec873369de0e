"""Harness simulators in inspect's user seat (`sim/NAME`), under `harness eval` and plain `inspect eval`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PluginDist, pip_install, run_harness

# A third-party package registering an inspect task through the `inspect_ai` entry point. Its user
# is told, in free prose, a booking reference; the task asks the user model for it.
SEAT_TASKS = PluginDist(
    "seat-tasks",
    {"inspect_ai": {"seat_tasks": "seat_tasks._registry"}},
    {
        "seat_tasks/__init__.py": "",
        "seat_tasks/_registry.py": """\
            from inspect_ai import Task, task
            from inspect_ai.dataset import Sample
            from inspect_ai.model import ChatMessageSystem, ChatMessageUser, ModelOutput, get_model
            from inspect_ai.scorer import includes
            from inspect_ai.solver import solver

            USER = (
                "You are Dana Whitfield, travelling next week. Your booking reference is ZX42Q. "
                "You are flying from Porto to Lisbon on Friday morning. You dislike window seats."
            )


            @solver
            def ask_the_user(question):
                async def solve(state, generate):
                    user = get_model(role="user")
                    reply = await user.generate([ChatMessageSystem(content=USER), ChatMessageUser(content=question)])
                    state.output = ModelOutput.from_content("seat", reply.completion)
                    return state

                return solve


            @task
            def seat_quiz():
                \"\"\"Ask the user two things only they know.\"\"\"
                return Task(
                    dataset=[
                        Sample(id="ref", input="ref", target="ZX42Q"),
                        Sample(id="city", input="city", target="Lisbon"),
                    ],
                    solver=[ask_the_user("What is your booking reference number?")],
                    scorer=includes(),
                )


            @task
            def seat_replay():
                \"\"\"The user speaks first, three times.\"\"\"

                @solver
                def three_user_turns():
                    async def solve(state, generate):
                        user = get_model(role="user")
                        history = [ChatMessageSystem(content=USER)]
                        said = []
                        for _ in range(3):
                            reply = await user.generate(history)
                            said.append(reply.completion)
                            history += [reply.message, ChatMessageUser(content="Go on.")]
                        state.output = ModelOutput.from_content("seat", " | ".join(said))
                        return state

                    return solve

                return Task(dataset=[Sample(id="c1", input="x", target="second")], solver=[three_user_turns()],
                            scorer=includes())
        """,
    },
)


@pytest.fixture
def seat_site(tmp_path: Path) -> Path:
    """SEAT_TASKS installed as inspect expects a package's tasks to be: under a `site-packages` directory."""
    site = tmp_path / "lib" / "site-packages"
    site.mkdir(parents=True)
    pip_install(["--target", str(site), str(SEAT_TASKS.write(tmp_path / "src"))])
    return site


def _log(run_dir: Path):
    from inspect_ai.log import read_eval_log

    (location,) = run_dir.rglob("*.eval")
    return read_eval_log(str(location))


def _seat_events(sample) -> list[dict]:
    return [e.data for e in sample.events if getattr(e, "event", None) == "info" and e.source == "user seat"]


@pytest.mark.slow
def test_sim_oracle_answers_an_inspect_task_from_the_user_system_message(seat_site, tmp_path: Path):
    site = seat_site
    logs = tmp_path / "logs"
    result = run_harness(
        "eval", "task=seat_tasks/seat_quiz", "model=mockllm/model", "model_roles.user=sim/oracle",
        "simulator.top_k=1", f"log_dir={logs}", "display=none", site=site,
    )
    assert result.returncode == 0, result.stderr
    log = _log(logs)
    ref = next(s for s in log.samples if s.id == "ref")
    assert "ZX42Q" in ref.output.completion
    (event,) = _seat_events(ref)
    assert event["seat"] == "sim/oracle" and event["simulator"] == "oracle" and "ZX42Q" in event["text"]
    record = json.loads(next(logs.glob("*/results.json")).read_text())
    assert record["params"]["model_roles"] == {"user": "sim/oracle"}
    assert record["params"]["seats"]["user"]["model_args"]["top_k"] == 1


@pytest.mark.slow
def test_sim_oracle_sits_in_the_seat_under_plain_inspect(seat_site, tmp_path: Path):
    site = seat_site
    env = {**os.environ, "PYTHONPATH": str(site)}
    inspect = Path(sys.executable).with_name("inspect")
    result = subprocess.run(
        [str(inspect), "eval", "seat_tasks/seat_quiz", "--model", "mockllm/model", "--model-role", "user=sim/oracle",
         "--log-dir", str(tmp_path), "--display", "none"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    ref = next(s for s in _log(tmp_path).samples if s.id == "ref")
    assert "ZX42Q" in ref.output.completion


def test_sim_replay_plays_a_recorded_conversation_turn_for_turn(seat_site, tmp_path: Path):
    site = seat_site
    recorded = tmp_path / "conversations.jsonl"
    turns = [{"role": "user", "text": "first"}, {"role": "agent", "text": "ok"},
             {"role": "user", "text": "second"}, {"role": "agent", "text": "ok"}, {"role": "user", "text": "third"}]
    recorded.write_text(json.dumps({"id": "c1", "task": "seat_replay", "turns": turns, "success": 1}) + "\n")
    logs = tmp_path / "logs"
    result = run_harness(
        "eval", "task=seat_tasks/seat_replay", "model=mockllm/model", "model_roles.user=sim/replay",
        f"simulator.path={recorded}", f"log_dir={logs}", "display=none", site=site,
    )
    assert result.returncode == 0, result.stderr
    (sample,) = _log(logs).samples
    assert sample.output.completion == "first | second | third"
    assert [e["text"] for e in _seat_events(sample)] == ["first", "second", "third"]


def test_sim_llm_sits_in_the_user_seat_with_a_model_of_its_own(seat_site, tmp_path: Path):
    # simulator.model reaches sim/llm although inspect's get_model takes `model` itself
    logs = tmp_path / "logs"
    result = run_harness(
        "eval", "task=seat_tasks/seat_quiz", "limit=1", "model=mockllm/model", "model_roles.user=sim/llm",
        "simulator.model=mockllm/model", f"log_dir={logs}", "display=none", site=seat_site,
    )
    assert result.returncode == 0, result.stderr
    (sample,) = _log(logs).samples
    (event,) = _seat_events(sample)
    assert event["simulator"] == "llm:mockllm/model" and "Default output from mockllm/model" in event["text"]


def test_a_replay_that_runs_out_ends_with_the_seats_stop_text(seat_site, tmp_path: Path):
    recorded = tmp_path / "conversations.jsonl"
    turns = [{"role": "user", "text": "first"}, {"role": "agent", "text": "ok"}, {"role": "user", "text": "second"}]
    recorded.write_text(json.dumps({"id": "c1", "task": "seat_replay", "turns": turns}) + "\n")
    logs = tmp_path / "logs"
    result = run_harness(
        "eval", "task=seat_tasks/seat_replay", "model=mockllm/model", "model_roles.user=sim/replay",
        f"simulator.path={recorded}", "seat.stop_text=###STOP###", f"log_dir={logs}", "display=none", site=seat_site,
    )
    assert result.returncode == 0, result.stderr
    (sample,) = _log(logs).samples
    first, second, third = sample.output.completion.split(" | ")
    assert (first, second) == ("first", "second") and third.endswith("###STOP###")


@pytest.mark.slow
def test_bad_seats_are_one_line_errors(tmp_path: Path):
    llm = run_harness("eval", "task=arithmetic", "model_roles.user=sim/llm", f"log_dir={tmp_path}")
    assert llm.returncode == 2 and "sim/llm in the user seat needs a model of its own" in llm.stderr
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "turns": [{"role": "user", "text": "hi"}]}\nnot json\n')
    replay = run_harness("eval", "task=arithmetic", "model_roles.user=sim/replay", f"simulator.path={broken}",
                         f"log_dir={tmp_path}")
    assert replay.returncode == 2 and f"{broken}:2 is not a conversation" in replay.stderr, replay.stderr
    unknown = run_harness("eval", "task=arithmetic", "model_roles.user=sim/nobody", f"log_dir={tmp_path}")
    assert unknown.returncode == 2 and "unknown simulator 'nobody'" in unknown.stderr


@pytest.mark.parametrize("conversation", [[], [("agent", "Hello, how can I help?")]])
def test_the_oracle_opens_with_the_request_when_the_user_speaks_first(conversation):
    import anyio

    from harness.simulation import OracleSimulator, SimulatorContext, Turn

    context = SimulatorContext(hidden_info="You are Sam. You want to cancel order 1182. You live in Leeds.", opening=True)
    reply = anyio.run(OracleSimulator(top_k=1).reply, [Turn(r, t) for r, t in conversation], context)
    assert "cancel order 1182" in reply.text


def test_the_oracle_answers_from_a_role_play_prompts_scenario_not_its_guidance():
    import anyio

    from harness.simulation import OracleSimulator, SimulatorContext, Turn

    # the shape of tau2's user prompt: pages of guidance, the user's situation in <scenario>
    prompt = (
        "# User Simulation Guidelines\nYou are playing the role of a customer. Disclose information progressively.\n"
        "Wait for the agent to ask for your user id before giving it.\n\n"
        "<scenario>\nKnown info:\n\tYour user id is sophia_silva_7557.\n\tConfirmation number: H8Q05L\n</scenario>"
    )
    reply = anyio.run(OracleSimulator(top_k=1).reply, [Turn("agent", "What is your user id?")],
                      SimulatorContext(hidden_info=prompt))
    assert reply.text == "Your user id is sophia_silva_7557."
