"""`harness usi export`: a real `harness eval` run with a simulated user, exported to conversations and read back."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import run_harness
from harness.cli._main import main
from harness.usi import read_conversations

TASK = textwrap.dedent(
    """\
    from inspect_ai import Task, task
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import includes
    from inspect_ai.solver import generate, solver
    from inspect_ai.util import store

    from harness.simulation import ask_user, simulated_user

    TRIPS = [
        ("trip-1", "Default", "I fly from Boston. I want to go to Paris. I travel on May 3.", 1),
        ("trip-2", "Paris", "My booking code is XK42. I want a window seat. I travel on June 9.", 2),
        ("trip-3", "Default", "I am Mia Chen. I go to Denver. I travel on July 14.", 4),
        ("trip-4", "Rome", "I fly to Rome. I travel on May 20. My email is mia@example.com.", 5),
    ]
    QUESTIONS = ["Where do you want to go?", "When do you travel?", "What is your booking code?", "Anything else?"]


    @solver
    def interviewer(simulator):
        tool = ask_user(simulator)

        async def solve(state, generate_):
            for question in QUESTIONS:  # the fourth is over the oracle's budget of 3
                await tool(question=question)
            store().set("harness.survey", {"overall": 4, "efficient": 2})
            return await generate_(state)

        return solve


    @task
    def interview(simulator=None):
        samples = [
            Sample(id=i, input="Help me with my trip.", target=t, metadata={"simulator_context": {"hidden_info": h}, "difficulty": d})
            for i, t, h, d in TRIPS
        ]
        return Task(dataset=samples, solver=[simulated_user(), interviewer(simulator), generate()], scorer=includes())
    """
)


@pytest.fixture(scope="module")
def oracle_run(tmp_path_factory) -> Path:
    """One real run: the interview task with the oracle in the user seat, on mockllm."""
    root = tmp_path_factory.mktemp("usi_run")
    (root / "interview.py").write_text(TASK)
    result = run_harness(
        "eval",
        "task=interview.py@interview",
        "simulator=oracle",
        "model=mockllm/model",
        f"log_dir={root / 'logs'}",
        "display=none",
        cwd=root,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (record,) = (root / "logs").glob("*/results.json")
    return record.parent


@pytest.mark.slow  # one harness eval subprocess: ~15 s idle, ~50 s on a loaded 2-core machine
def test_a_run_exports_to_conversations_that_read_back_as_the_run(oracle_run: Path, tmp_path: Path, capsys):
    from inspect_ai.log import read_eval_log

    out = tmp_path / "oracle.jsonl"
    assert main(["usi", "export", str(oracle_run), f"out={out}"]) == 0
    assert f"wrote {out} (4 conversations)" in capsys.readouterr().out
    conversations = {c.id: c for c in read_conversations(out)}
    record = json.loads((oracle_run / "results.json").read_text())
    for sample in read_eval_log(record["inspect_log"]).samples:
        conversation = conversations[str(sample.id)]
        asked = [t for t in sample.store["harness.simulation"]["turns"] if not t["over_budget"]]
        assert len(asked) == 3  # the over-budget question was the harness's answer, not the seat's
        assert conversation.user_texts == [t["answer"] for t in asked]
        assert [t.text for t in conversation.turns if t.role == "agent"] == [t["question"] for t in asked]
        assert conversation.success == (1 if sample.scores["includes"].value == "C" else 0)
        assert conversation.difficulty == sample.metadata["difficulty"]
        assert conversation.ratings == {"overall": 4.0, "efficient": 2.0} and conversation.seat == "oracle"
    assert sorted(c.success for c in conversations.values()) == [0, 0, 1, 1]  # "Default" is in mockllm's output

    # the run directory and its export are the same conversations: USI 100 over every figure
    report = tmp_path / "report"
    assert main(["usi", f"reference={oracle_run}", f"candidate={out}", f"out={report}", "draws=200"]) == 0
    document = json.loads((report / "usi.json").read_text())
    assert document["usi"]["value"] == 100 and len(document["usi"]["covers"]) == 6
    assert document["reference"]["kind"] == "run" and document["reference"]["seats"] == ["oracle"]
    assert document["n"]["matched"] == 4


@pytest.mark.slow  # shares the run above
def test_export_bad_input_is_a_one_line_error(oracle_run: Path, tmp_path: Path, capsys):
    for argv, message in (
        (["export", str(oracle_run)], "missing required key 'out'"),
        (["export", str(oracle_run), f"out={tmp_path / 'x.jsonl'}", "metric=nope"], "no score 'nope'"),
        (["export", str(tmp_path / "missing"), f"out={tmp_path / 'x.jsonl'}"], "no such run directory"),
    ):
        assert main(["usi", *argv]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, (argv, err)


@pytest.mark.slow  # shares the run above
def test_the_leaderboard_shows_the_user_seat_and_the_usi_measured_for_the_run(oracle_run: Path, tmp_path: Path):
    board_dir = tmp_path / "board"
    before = run_harness("leaderboard", str(oracle_run), f"out={board_dir}")
    assert before.returncode == 0, before.stderr
    (entry,) = json.loads((board_dir / "leaderboard.json").read_text())["entries"]
    assert entry["user_seat"] == "oracle" and entry["usi"] is None
    assert "| oracle | not measured |" in (board_dir / "leaderboard.md").read_text()

    people = tmp_path / "people.jsonl"
    assert main(["usi", "export", str(oracle_run), f"out={people}"]) == 0
    assert main(["usi", f"reference={people}", f"candidate={oracle_run}", f"out={oracle_run}", "draws=200"]) == 0
    after = run_harness("leaderboard", str(oracle_run), f"out={board_dir}")
    assert after.returncode == 0, after.stderr
    (entry,) = json.loads((board_dir / "leaderboard.json").read_text())["entries"]
    assert entry["usi"]["value"] == 100 and entry["usi"]["file"] == str(oracle_run / "usi.json")
    assert "| oracle | 100.0 [100.0, 100.0] |" in (board_dir / "leaderboard.md").read_text()
    (oracle_run / "usi.json").unlink()  # the module's other tests see the run as it was
