"""The settings with scripted mockllm agents: messaging in coop, none in coop_nomsg, solo, git, mixed teams."""

from __future__ import annotations

import json

import pytest
from cooperbench_support import call, eval_samples, metric, require_docker, run_eval_with, scripted, shipped_images

# every shipped task image: built once (cold cache) by whichever test of the group comes first, on one worker
pytestmark = pytest.mark.xdist_group("cooperbench-images")

PAIR = "samuelcolvin_dirty_equals_task/43/f2_f3"
REPO = "/workspace/repo"


@pytest.fixture(scope="module", autouse=True)
def images() -> dict[str, str]:
    require_docker()
    return shipped_images()


def _overrides(**task: str) -> dict[str, str]:
    return {"task": "cooperbench", "task.pairs": json.dumps([PAIR]), **{f"task.{k}": v for k, v in task.items()}}


NOTES = "dirty_equals/_agent2_notes.py"
PEEK = f"test -e {NOTES} && echo notes-visible || echo notes-absent"
CLAIM = "I will only edit dirty_equals/_other.py; please keep out of it."
REPLY = "Agreed: I only touch dirty_equals/__init__.py."


def _conversation_scripts() -> dict[str, list]:
    return {
        "agent1": [
            call("send_message", to="agent2", text=CLAIM, wait_seconds=60),
            call("bash", command=f"cd {REPO} && printf '\\nAGENT1_MARK = 1\\n' >> dirty_equals/_other.py && {PEEK}"),
            call("submit", answer="done"),
        ],
        "agent2": [
            call("bash", command="sleep 2; echo ready"),
            call("text_editor", command="create", path=f"{REPO}/{NOTES}", file_text="NOTES = 'agent2'\n"),
            call("send_message", to="agent1", text=REPLY),
            call("bash", command=f"cd {REPO} && printf '\\nAGENT2_MARK = 2\\n' >> dirty_equals/__init__.py"),
            call("submit", answer="done"),
        ],
    }


@pytest.mark.slow
def test_coop_agents_exchange_messages_before_their_next_model_call():
    seen: dict[str, list] = {}
    tools: dict[str, set[str]] = {}
    outcome = run_eval_with(_overrides(setting="coop"), _recording(scripted(_conversation_scripts(), seen), tools))
    assert outcome.record["status"] == "success"
    [sample] = eval_samples(outcome)
    assert "send_message" in tools["agent1"] and "send_message" in tools["agent2"]
    # agent 2 sees agent 1's message as a user message before its second model call
    second_call = seen["agent2"][1]
    delivered = [m.text for m in second_call if m.role == "user" and m.text.startswith("[Message from agent1]")]
    assert delivered == [f"[Message from agent1]: {CLAIM}"]
    # agent 1 waited for the reply, which its send_message call returned
    tool_results = [m.text for m in seen["agent1"][1] if m.role == "tool"]
    assert any(f"[Message from agent2]: {REPLY}" in text for text in tool_results)
    logged = sample.store["cooperbench:messages"]
    assert [(m["sender"], m["recipient"], m["text"]) for m in logged] == [
        ("agent1", "agent2", CLAIM),
        ("agent2", "agent1", REPLY),
    ]
    events = [
        e for e in sample.events if e.event == "info" and isinstance(e.data, dict) and "cooperbench_message" in e.data
    ]
    assert len(events) == 2
    score = sample.scores["merged_tests"]
    assert score.value["messages"] == 2 and score.value["message_chars"] == len(CLAIM) + len(REPLY)
    assert score.value["conflict"] == 0 and score.metadata["merge"]["outcome"] == "clean"
    assert "AGENT1_MARK" in score.answer and "AGENT2_MARK" in score.answer
    # text_editor wrote into agent 2's own container, not agent 1's
    assert f"b/{NOTES}" in score.answer.split("AGENT1_MARK")[1]
    peek = [m.text for m in seen["agent1"][2] if m.role == "tool"][-1]
    assert "notes-absent" in peek
    assert metric(outcome, "messages")["value"] == 2.0


@pytest.mark.slow
def test_coop_nomsg_agents_have_no_messaging_tool_and_send_nothing():
    seen: dict[str, list] = {}
    tools: dict[str, set[str]] = {}
    scripts = _conversation_scripts()
    scripts["agent1"][0] = call("bash", command="echo thinking")
    outcome = run_eval_with(_overrides(setting="coop_nomsg"), _recording(scripted(scripts, seen), tools))
    [sample] = eval_samples(outcome)
    assert "send_message" not in tools["agent1"] | tools["agent2"]
    assert not sample.store.get("cooperbench:messages")
    assert not any("[Message from" in m.text for calls in seen.values() for c in calls for m in c)
    # agent 2's attempt to message fails as an unknown tool; nothing is sent
    assert sample.scores["merged_tests"].value["messages"] == 0
    assert "You cannot communicate with agent2" in seen["agent1"][0][0].text


@pytest.mark.slow
def test_solo_is_one_agent_with_both_features_in_one_container():
    seen: dict[str, list] = {}
    init = "dirty_equals/__init__.py"
    scripts = {
        "solo": [
            call("bash", command=f"cd {REPO} && git status --short"),
            call(
                "text_editor",
                command="str_replace",
                path=init,
                old_str="__version__ = '0.0.dev0'",
                new_str="__version__ = '9'",
            ),
            call("text_editor", command="insert", path=init, insert_line=0, new_str="# solo was here"),
            call("text_editor", command="undo_edit", path=init),
            call("text_editor", command="view", path=init, view_range=[1, 2]),
            call("text_editor", command="str_replace", path=init, old_str="import", new_str="x"),
            call("submit", answer="x"),
        ]
    }
    outcome = run_eval_with(_overrides(setting="solo"), scripted(scripts, seen))
    [sample] = eval_samples(outcome)
    first = seen["solo"][0]
    assert "Implement BOTH features" in first[0].text
    assert "# Feature 1" in first[1].text and "# Feature 2" in first[1].text
    results = [m.error.message if m.error else m.text for m in seen["solo"][-1] if m.role == "tool"]
    assert results[4].startswith("     1\t") and "solo was here" not in results[4]
    assert "must occur exactly once" in results[5]
    score = sample.scores["merged_tests"]
    assert "+__version__ = '9'" in score.answer and "solo was here" not in score.answer
    assert score.metadata["merge"] is None and score.value["both_passed"] == 0 and score.value["messages"] == 0


@pytest.mark.slow
def test_git_setting_relays_commits_between_the_containers():
    seen: dict[str, list] = {}
    scripts = {
        "agent1": [
            call(
                "bash",
                command=f"cd {REPO} && printf '\\nSHARED = 1\\n' >> dirty_equals/_other.py && git commit -qam shared",
            ),
            call("git_push"),
            call("send_message", to="agent2", text="pushed"),
            call("submit", answer="done"),
        ],
        "agent2": [
            call("send_message", to="agent1", text="tell me when you pushed", wait_seconds=120),
            call("git_pull", teammate="agent1"),
            call("bash", command=f"cd {REPO} && git merge -q team/agent1 && tail -n 1 dirty_equals/_other.py"),
            call("submit", answer="done"),
        ],
    }
    outcome = run_eval_with(_overrides(setting="coop", git="true"), scripted(scripts, seen))
    [sample] = eval_samples(outcome)
    results = [m.text for m in seen["agent2"][-1] if m.role == "tool"]
    assert any("fetched agent1's commits as team/agent1" in r and "shared" in r for r in results)
    assert results[-1].strip().endswith("SHARED = 1")
    score = sample.scores["merged_tests"]
    # both diffs now hold the same change: it merges cleanly
    assert score.metadata["merge"]["outcome"] == "clean" and score.answer.count("+SHARED = 1") == 2


@pytest.mark.slow
def test_model2_drives_the_second_agent():
    scripts = {"agent1": [call("bash", command="true"), call("submit", answer="done")]}
    outcome = run_eval_with(_overrides(setting="coop", model2="mockllm/second", message_limit="4"), scripted(scripts))
    [sample] = eval_samples(outcome)
    models = {e.model for e in sample.events if e.event == "model"}
    assert models == {"mockllm/model", "mockllm/second"}


def _recording(respond, tools: dict[str, set[str]]):
    def wrapped(messages, tool_infos, tool_choice, config):
        system = next((m.text for m in messages if m.role == "system"), "")
        agent = "agent1" if "You are agent1" in system else "agent2"
        tools.setdefault(agent, set()).update(t.name for t in tool_infos)
        return respond(messages, tool_infos, tool_choice, config)

    return wrapped
