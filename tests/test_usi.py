"""`harness usi`: the User-Simulation Index on the shipped illustrative sets, its figures, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO
from harness.cli._main import main
from harness.usi import Conversation, ConversationTurn, compute_usi, read_conversations, write_conversations

DATA = REPO / "harness" / "usi" / "data"
PEOPLE = DATA / "people.jsonl"
FRONT = DATA / "sim_front_loading.jsonl"
ANSWER_ONLY = DATA / "sim_answer_only.jsonl"
SCHEMA = json.loads((REPO / "harness" / "schemas" / "usi.schema.json").read_text())


def usi(tmp_path: Path, reference: Path, candidate: Path, *extra: str) -> dict:
    out = tmp_path / "report"
    assert main(["usi", f"reference={reference}", f"candidate={candidate}", f"out={out}", *extra]) == 0
    document = json.loads((out / "usi.json").read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert (out / "usi.svg").read_text().startswith("<svg")
    return document


def test_a_set_against_itself_scores_100(tmp_path: Path, capsys):
    document = usi(tmp_path, PEOPLE, PEOPLE, "draws=200")
    assert document["usi"]["value"] == 100 and document["usi"]["ci95"] == [100, 100]
    assert document["usi"]["covers"] == ["D1", "D2", "D3", "D4", "calibration", "eval"]
    assert all(d["value"] == 100 for d in document["dimensions"].values())
    assert document["n"] == {**document["n"], "reference": 36, "candidate": 36, "matched": 36}
    assert document["success"]["gap"]["value"] == 0 and document["success"]["gap"]["paired"]
    shown = capsys.readouterr().out
    assert "USI" in shown and "100.0" in shown and "wrote " in shown


def test_two_disjoint_halves_score_below_100_with_a_ci(tmp_path: Path):
    people = read_conversations(PEOPLE)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    write_conversations(people[:18], first)
    write_conversations(people[18:], second)
    document = usi(tmp_path, first, second, "draws=500")
    low, high = document["usi"]["ci95"]
    assert document["n"]["matched"] == 0 and not document["success"]["gap"]["paired"]
    assert 50 < document["usi"]["value"] < 100 and low < high <= 100
    assert document["usi"]["stderr"] > 0


def test_front_loading_scores_clearly_lower_on_information_pattern_than_answering_what_was_asked(tmp_path: Path):
    front = usi(tmp_path / "front", PEOPLE, FRONT)
    answer_only = usi(tmp_path / "answer", PEOPLE, ANSWER_ONLY)
    front_d2, answer_d2 = front["dimensions"]["D2"], answer_only["dimensions"]["D2"]
    assert front_d2["ci95"][1] < answer_d2["ci95"][0], (front_d2, answer_d2)  # non-overlapping intervals
    assert front["features"]["front_loading"]["candidate"]["mean"] == 1.0  # every detail in the first turn
    assert answer_only["features"]["front_loading"]["similarity"]["value"] > 90
    # both simulators are "easy mode": more success than people, paired over the same ids, and never frustrated
    gap = front["success"]["gap"]
    assert gap["paired"] and gap["n"] == 36 and gap["ci95"][0] > 0
    assert (
        front["features"]["frustration"]["candidate"]["mean"]
        == 0
        < front["features"]["frustration"]["reference"]["mean"]
    )


def test_the_dispersion_ratio_shows_a_simulator_that_always_says_the_same(tmp_path: Path):
    document = usi(tmp_path, PEOPLE, FRONT, "draws=100")
    turns = document["features"]["user_turns"]
    assert turns["reference"]["std"] > 0 and turns["candidate"]["std"] == 0 and turns["dispersion_ratio"] == 0
    assert document["features"]["details_per_turn"]["dispersion_ratio"] > 0.5  # a feature that still varies


def _conversation(ident: str, success: int, difficulty: int | None = None, **ratings: float) -> Conversation:
    turns = (ConversationTurn("agent", "How can I help?"), ConversationTurn("user", f"Order {ident}, please."))
    return Conversation(ident, "shop", turns, success, difficulty, ratings)


def test_calibration_is_one_minus_the_expected_calibration_error_over_difficulty_levels():
    reference = [_conversation("a", 1, 1), _conversation("b", 0, 1), _conversation("c", 0, 3), _conversation("d", 0, 3)]
    candidate = [_conversation("a", 1, 1), _conversation("b", 1, 1), _conversation("c", 1, 3), _conversation("d", 0, 3)]
    document = compute_usi(reference, candidate, draws=100)
    # level 1: |1 - 0.5| weight 4/8; level 3: |0.5 - 0| weight 4/8 -> ECE 0.5
    assert document["dimensions"]["calibration"]["ece"] == 0.5
    assert document["dimensions"]["calibration"]["value"] == 50
    levels = {row["difficulty"]: row for row in document["dimensions"]["calibration"]["levels"]}
    assert levels[3]["success_candidate"] == 0.5 and levels[2]["n_reference"] == 0


def test_eval_compares_mean_ratings_normalised_to_the_unit_interval():
    reference = [_conversation("a", 1, 2, overall=3, clear=5), _conversation("b", 1, 2, overall=5, clear=5)]
    candidate = [_conversation("a", 1, 2, overall=5, clear=5), _conversation("b", 1, 2, overall=5, clear=1)]
    document = compute_usi(reference, candidate, draws=100)
    # overall: 0.75 vs 1.0 (0.25); clear: 1.0 vs 0.5 (0.5) -> MAE 0.375
    assert document["dimensions"]["eval"]["mae"] == 0.375 and document["dimensions"]["eval"]["value"] == 62.5
    ten_point = compute_usi(reference, candidate, draws=100, rating_scale=(0, 10))
    assert ten_point["dimensions"]["eval"]["mae"] == pytest.approx(0.15)


def test_a_figure_without_data_is_null_with_its_reason_and_the_usi_says_what_it_covers(tmp_path: Path):
    bare = [Conversation(c.id, c.task, c.turns, c.success) for c in read_conversations(PEOPLE)]
    path = tmp_path / "bare.jsonl"
    write_conversations(bare, path)
    document = usi(tmp_path, PEOPLE, path, "draws=100")
    assert document["dimensions"]["calibration"] is None and document["dimensions"]["eval"] is None
    assert document["not_measured"] == {
        "calibration": "no candidate conversation has a difficulty (1-5)",
        "eval": "no candidate conversation has survey ratings",
    }
    assert document["usi"]["covers"] == ["D1", "D2", "D3", "D4"] and document["usi"]["value"] == 100


def test_usi_json_is_checked_against_its_schema(tmp_path: Path):
    from harness.usi._report import check_usi

    document = usi(tmp_path, PEOPLE, ANSWER_ONLY, "draws=100")
    check_usi(document)
    for broken in ({**document, "usi": {"value": 120}}, {**document, "dimensions": {"D1": None}}):
        with pytest.raises(jsonschema.ValidationError):
            check_usi(broken)


def _error(capsys, *argv: str) -> str:
    assert main(["usi", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("harness: error: ") and err.count("\n") == 1, err
    return err


def test_bad_reference_files_are_one_line_errors_naming_file_and_line(tmp_path: Path, capsys):
    missing = tmp_path / "nope.jsonl"
    err = _error(capsys, f"reference={missing}", f"candidate={PEOPLE}")
    assert "reference: " in err and str(missing) in err
    broken = tmp_path / "broken.jsonl"
    lines = PEOPLE.read_text().splitlines()
    broken.write_text("\n".join([lines[0], lines[1][:40], lines[2]]) + "\n")
    assert f"{broken}:2: not JSON" in _error(capsys, f"reference={broken}", f"candidate={PEOPLE}")
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text(lines[0] + "\n" + lines[1].replace('"role": "user"', '"role": "customer"', 1) + "\n")
    err = _error(capsys, f"reference={wrong}", f"candidate={PEOPLE}")
    assert f"{wrong}:2:" in err and "turns" in err and "role" in err
    twice = tmp_path / "twice.jsonl"
    twice.write_text(lines[0] + "\n" + lines[0] + "\n")
    assert "already used on line 1" in _error(capsys, f"reference={PEOPLE}", f"candidate={twice}")


def test_empty_sets_unmatched_sets_and_bad_settings_are_one_line_errors(tmp_path: Path, capsys):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    assert "has no conversations" in _error(capsys, f"reference={empty}", f"candidate={PEOPLE}")
    silent = tmp_path / "silent.jsonl"
    write_conversations([Conversation("x", "airline: change my flight", (ConversationTurn("agent", "Hi"),), 1)], silent)
    assert "no user turn" in _error(capsys, f"reference={PEOPLE}", f"candidate={silent}")
    elsewhere = tmp_path / "elsewhere.jsonl"
    write_conversations([_conversation("other-1", 1)], elsewhere)
    assert "no matching samples" in _error(capsys, f"reference={PEOPLE}", f"candidate={elsewhere}")
    assert "reference" in _error(capsys, f"candidate={PEOPLE}")
    assert "not KEY=VALUE" in _error(capsys, str(PEOPLE), f"candidate={PEOPLE}")
    assert "draws" in _error(capsys, f"reference={PEOPLE}", f"candidate={PEOPLE}", "draws=5")
    assert "usage: harness usi export" in _error(capsys, "export", "out=x.jsonl")


def test_a_run_directory_without_a_log_is_a_one_line_error(tmp_path: Path, capsys):
    (tmp_path / "run").mkdir()
    err = _error(capsys, f"reference={PEOPLE}", f"candidate={tmp_path / 'run'}")
    assert "candidate: " in err and "no inspect log" in err
    not_a_log = tmp_path / "run" / "x.eval"
    not_a_log.write_text("hello")
    assert "not a readable inspect log" in _error(capsys, f"reference={PEOPLE}", f"candidate={not_a_log}")


@pytest.mark.parametrize(
    ("text", "frustrated", "correction"),
    [
        ("No, that will be all. Thank you for your help!", False, False),
        ("no, that's wrong. I said May 14", False, True),
        ("I already told you, ZK31QF", True, False),
        ("this is RIDICULOUS", True, False),
        ("Flying from JFK to LAX on May 3.", False, False),
        ("nope", False, False),
    ],
)
def test_frustration_and_correction_markers(text: str, frustrated: bool, correction: bool):
    from harness.usi._text import is_correction, is_frustrated

    assert is_frustrated(text) is frustrated and is_correction(text) is correction


def test_details_are_the_specifics_a_turn_gives():
    from harness.usi._text import details

    found = details("Hello! My booking code is ZK31QF, I fly from Boston to Miami on May 14. Email: mia.2@example.com")
    assert found == {"zk31qf", "boston", "miami", "may", "14", "mia.2@example.com"}
    assert details("Yes, that is correct. Please go ahead.") == set()


def test_front_loading_is_one_when_everything_comes_first_and_lower_when_told_when_asked():
    from harness.usi._features import FEATURES

    measure = next(f.measure for f in FEATURES if f.name == "front_loading")
    assert measure(["I am Mia Chen, code ZK31QF, to Boston.", "Yes.", "Thanks."]) == 1.0
    assert measure(["I need to change a flight.", "Mia Chen", "ZK31QF", "Boston"]) == pytest.approx(
        (0.75 * 2 + 0.5 + 0.25) / 4
    )


def test_a_run_directory_with_its_usi_json_has_a_measured_usi_and_others_do_not(tmp_path: Path):
    from harness.usi import NOT_MEASURED, measured_usi

    run = tmp_path / "sim-run"
    run.mkdir()
    candidate = run / "conversations.jsonl"
    write_conversations(read_conversations(ANSWER_ONLY), candidate)
    assert measured_usi(run) is None and NOT_MEASURED == "not measured"
    assert main(["usi", f"reference={PEOPLE}", f"candidate={candidate}", f"out={run}", "draws=100"]) == 0
    summary = measured_usi(run)
    assert summary is not None and summary["reference"] == str(PEOPLE.resolve())
    assert 0 < summary["value"] < 100 and summary["ci95"][0] <= summary["value"] and len(summary["covers"]) == 6
    other = tmp_path / "other-run"
    other.mkdir()
    (other / "usi.json").write_text((run / "usi.json").read_text())  # measured for another run: not this one's
    assert measured_usi(other) is None


def test_the_docs_define_every_feature():
    from harness.usi._features import DIMENSIONS, FEATURES

    page = (REPO / "docs" / "users-in-the-loop.md").read_text()
    for feature in FEATURES:
        assert f"| `{feature.name}` | {feature.dimension} |" in page, feature.name
    assert all(name in page for name in DIMENSIONS.values())


def _log(path: Path, task: str, samples: list[dict]) -> Path:
    """An inspect log as a run writes it, with the given samples (id, store, scores, error, epoch)."""
    from inspect_ai.log import EvalConfig, EvalDataset, EvalError, EvalLog, EvalSample, EvalSpec, write_eval_log
    from inspect_ai.scorer import Score

    ids = sorted({s["id"] for s in samples})
    spec = EvalSpec(
        created="2026-01-01T00:00:00",
        task=task,
        dataset=EvalDataset(samples=len(ids), sample_ids=ids),
        model="mockllm/model",
        config=EvalConfig(epochs=max(s.get("epoch", 1) for s in samples)),
    )
    built = [
        EvalSample(
            id=s["id"],
            epoch=s.get("epoch", 1),
            input="Help me.",
            target="x",
            scores={"match": Score(value=s["score"])} if "score" in s else None,
            store=s.get("store", {}),
            metadata=s.get("metadata", {}),
            error=EvalError(message="boom", traceback="", traceback_ansi="") if s.get("error") else None,
        )
        for s in samples
    ]
    write_eval_log(EvalLog(eval=spec, samples=built, status="success"), str(path))
    return path


def _seat(*texts: str, seat: str = "user") -> dict:
    turns = [{"role": "user" if i % 2 == 0 else "agent", "text": t} for i, t in enumerate(texts)]
    return {"harness.seat": {"seat": seat, "occupant": "llm", "brief": "...", "turns": turns}}


def test_a_seated_run_exports_what_its_user_seat_said_and_counts_what_it_left_out(tmp_path: Path, capsys):
    survey = {"harness.survey": {"occupant": "llm", "ratings": {"How satisfied are you?": 4}}}
    log = _log(
        tmp_path / "seated.eval",
        "tau",
        [
            {"id": "a", "score": "C", "store": {**_seat("I need a new seat", "Which flight?", "ZK31QF"), **survey}},
            {"id": "a", "epoch": 2, "score": "I", "store": _seat("new seat please"), "metadata": {"difficulty": 3}},
            {"id": "b", "score": "C", "error": True, "store": _seat("hello")},
            {"id": "c", "score": "C", "store": _seat("I am the agent here", seat="agent")},
            {"id": "e", "score": "I", "store": {**_seat("hi"), "harness.survey": {"occupant": "llm", "ratings": None}}},
            {"id": "d", "store": _seat("never scored")},
        ],
    )
    out = tmp_path / "seated.jsonl"
    assert main(["usi", "export", str(log), f"out={out}"]) == 0
    said = capsys.readouterr().out
    assert "(3 conversations; left out: 1 errored, 1 no user turn, 1 not scored)" in said, said
    first, second, unrated = read_conversations(out)
    assert unrated.id == "e" and unrated.ratings == {}  # the simulator did not rate
    assert (first.id, second.id) == ("a", "a#2") and first.task == "tau" and first.seat == "llm"
    assert first.user_texts == ["I need a new seat", "ZK31QF"] and first.success == 1
    assert first.ratings == {"How satisfied are you?": 4.0} and second.difficulty == 3 and second.success == 0


def test_runs_of_different_tasks_are_no_matching_samples(tmp_path: Path, capsys):
    one = _log(tmp_path / "one.eval", "airline", [{"id": "a1", "score": "C", "store": _seat("change my flight")}])
    two = _log(tmp_path / "two.eval", "retail", [{"id": "r1", "score": "I", "store": _seat("return my boots")}])
    assert "no matching samples" in _error(capsys, f"reference={one}", f"candidate={two}")
    silent = _log(tmp_path / "silent.eval", "airline", [{"id": "a1", "score": "C", "store": _seat("x", seat="agent")}])
    err = _error(capsys, f"reference={one}", f"candidate={silent}")
    assert "candidate: " in err and "no sample with user-seat turns and a score (1 no user turn)" in err
