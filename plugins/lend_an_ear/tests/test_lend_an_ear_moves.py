"""The lexical detectors against hand-labelled turns (the README's table is what they measure), the LLM judge's
answer parsing, the rubric, and the alignment formula."""

from __future__ import annotations

import pytest
from lend_an_ear_testkit import PLUGIN

from harness import ConfigError
from harness_lend_an_ear import (
    MOVES,
    Finding,
    alignment,
    detect,
    detector_scores,
    labelled_turns,
    load_rubric,
    move_rates,
    parse_judgement,
)
from harness_lend_an_ear._cli import detector_table


def test_at_least_sixty_held_out_hand_labelled_turns_cover_every_move():
    test = labelled_turns("test")
    assert len(test) >= 60
    assert all(sum(1 for t in test if move in t.moves) >= 8 for move in MOVES)
    dev_texts = {t.text for t in labelled_turns("dev")}
    assert not dev_texts & {t.text for t in test}


@pytest.mark.parametrize("split", ["test", "dev"])
def test_the_readme_reports_the_detectors_measured_precision_and_recall(split):
    turns = labelled_turns(split)
    table = detector_table(detector_scores(turns), len(turns), split)
    assert table in (PLUGIN / "README.md").read_text(), f"README is stale; paste:\n{table}"


def test_the_detectors_are_precise_on_the_held_out_turns():
    scores = detector_scores(labelled_turns("test"))
    assert all(s.precision is None or s.precision >= 0.8 for s in scores.values()), scores


def test_detectors_give_the_evidence_sentence():
    found = detect("I'm so sorry. You should call HR tomorrow. When I was fired I cried for a week.")
    assert found["validating_emotions"].evidence == "I'm so sorry."
    assert found["unsolicited_advice"].evidence == "You should call HR tomorrow."
    assert found["self_orientation"].evidence == "When I was fired I cried for a week."
    assert not found["dismissing_emotions"].present and found["dismissing_emotions"].evidence == ""


def test_alignment_is_constructive_minus_counterproductive_rates():
    turn = {m: Finding(m, m in ("validating_emotions", "unsolicited_advice")) for m in MOVES}
    empty = {m: Finding(m, False) for m in MOVES}
    rates = move_rates([turn, empty])
    assert rates["validating_emotions"] == 0.5 and rates["self_orientation"] == 0.0
    assert alignment(rates) == pytest.approx(0.5 / 3 - 0.5 / 3)
    best = {
        m: Finding(m, m in ("validating_emotions", "encouraging_elaboration", "demonstrating_understanding"))
        for m in MOVES
    }
    assert alignment(move_rates([best])) == 1.0
    assert alignment(move_rates([{m: Finding(m, None) for m in MOVES}])) is None  # the judge answered nothing


def test_the_llm_judges_answer_is_parsed_per_move_with_checked_evidence():
    supporter = "That sounds painful. Have you tried talking to him?"
    answer = (
        'validating_emotions: yes "That sounds painful."\n'
        "encouraging_elaboration: no\n"
        '- unsolicited_advice: YES "Have you tried talking to him?"\n'
        'self_orientation: yes "I went through it too"\n'
        "dismissing_emotions: maybe\n"
    )
    found = parse_judgement(answer, supporter)
    assert found["validating_emotions"] == Finding("validating_emotions", True, "That sounds painful.", "llm")
    assert found["encouraging_elaboration"].present is False
    assert found["unsolicited_advice"].present is True
    assert found["self_orientation"].evidence == "~I went through it too"  # not in the message: marked
    assert found["demonstrating_understanding"].present is None  # no line: unanswered, not "no"
    assert found["dismissing_emotions"].present is None
    assert all(f.present is None for f in parse_judgement("Default output from mockllm/model", supporter).values())


def test_the_shipped_rubric_and_bad_rubric_files(tmp_path):
    rubric = load_rubric()
    assert set(rubric.moves) == set(MOVES)
    prompt = rubric.prompt("I lost my job.", "That sounds hard.")
    assert "<supporter>\nThat sounds hard.\n</supporter>" in prompt and "dismissing_emotions: yes" in prompt
    (tmp_path / "broken.yaml").write_text("moves: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_rubric(str(tmp_path / "broken.yaml"))
    (tmp_path / "partial.yaml").write_text("moves:\n  validating_emotions:\n    definition: x\n")
    with pytest.raises(ConfigError, match="no definition for move\\(s\\) encouraging_elaboration"):
        load_rubric(str(tmp_path / "partial.yaml"))
    with pytest.raises(ConfigError, match="no such file"):
        load_rubric(str(tmp_path / "missing.yaml"))
