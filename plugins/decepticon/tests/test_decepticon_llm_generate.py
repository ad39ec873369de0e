"""The optional LLM generator: a model's rewording is validated and checked in Chromium before it is kept."""

from __future__ import annotations

import json

import pytest
from decepticon_testkit import require_chromium, scripted_model

from harness_decepticon import load_tasks
from harness_decepticon._llm_generate import apply_wording, llm_generate, parse_rewrite, wording


def test_wording_paths_round_trip():
    params = {
        "offer": {"headline": "Wait!", "lines": ["One", "Two"], "accept": {"label": "Yes", "fields": [["a", "b"]]}}
    }
    texts = wording(params)
    assert texts == {
        "offer.headline": "Wait!",
        "offer.lines.0": "One",
        "offer.lines.1": "Two",
        "offer.accept.label": "Yes",
    }
    changed = apply_wording(params, {**texts, "offer.lines.1": "Deux"})
    assert changed["offer"]["lines"] == ["One", "Deux"] and params["offer"]["lines"][1] == "Two"


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        ("Sure! Here you go.", "no JSON object"),
        ('{"offer.headline": "x"', "no JSON object"),
        ('{"other": "x"}', "exactly the keys"),
        ('{"offer.headline": ""}', "non-empty string"),
    ],
)
def test_bad_rewrites_are_refused(reply, problem):
    with pytest.raises(ValueError, match=problem):
        parse_rewrite(reply, {"offer.headline": "Wait!"})


@pytest.mark.slow
def test_a_rewrite_is_kept_only_after_the_policies_pass(capsys):
    require_chromium()
    first, second = [t for t in load_tasks() if wording(t.injection.params)][:2]
    texts = wording(first.injection.params)
    reworded = {k: (f"Hurry! {v}" if k.endswith("headline") else v) for k, v in texts.items()}
    model = scripted_model(json.dumps(reworded), "I would rather not write dark patterns.")
    kept = llm_generate(model, limit=2)
    assert [d["id"] for d in kept] == [f"{first.id}.llm"]
    assert kept[0]["generator"].startswith("llm:")
    assert wording(kept[0]["injection"]["params"]) == reworded
    assert f"rejected a variant of {second.id}: the reply has no JSON object" in capsys.readouterr().err
