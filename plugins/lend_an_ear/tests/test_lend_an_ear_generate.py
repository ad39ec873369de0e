"""The scenario generator: a model's replies become scenarios only when they pass the schema."""

from __future__ import annotations

import asyncio
import json

from lend_an_ear_testkit import harness_cli, scripted_model

from harness_lend_an_ear import load_scenarios
from harness_lend_an_ear._generate import generate_scenarios

GOOD = {
    "topic": "shift swapped without asking",
    "persona": "Noor, 31, a pharmacist",
    "opening": "My manager swapped my shift again without asking, and now I miss my sister's birthday.",
    "situation": "Noor's manager changed the rota for the third time this month. She had booked the evening long ago.",
    "feelings": ["disregarded", "angry"],
    "details": [
        "It's the third time this month.",
        "I booked that evening in March.",
        "My sister said I always cancel.",
    ],
    "hopes": "to feel that my frustration makes sense",
    "dismissive": ["being told rotas change", "being told to find another job"],
}


def test_valid_replies_are_kept_and_invalid_ones_dropped_with_the_reason(tmp_path):
    bad_schema = {**GOOD, "feelings": []}
    model = scripted_model(
        "Here you go:\n" + json.dumps(GOOD),
        "I cannot write that.",
        json.dumps(bad_schema),
        "```json\n" + json.dumps({**GOOD, "persona": "Ana, 52, a cleaner", "domain": "ignored"}) + "\n```",
    )
    result = asyncio.run(generate_scenarios(model, 2, ("workplace", "personal"), seed=7))
    assert [s.id for s in result.scenarios] == ["gen-7-001", "gen-7-002"]
    assert [s.domain for s in result.scenarios] == ["workplace", "personal"]  # set by the generator, not the model
    assert len(result.rejected) == 2
    assert "no JSON object" in result.rejected[0] and "schema: feelings: [] should be non-empty" in result.rejected[1]
    path = tmp_path / "new.json"
    path.write_text(json.dumps([s.to_json() for s in result.scenarios]))
    assert len(load_scenarios(path)) == 2  # the same validation as the shipped set


def test_the_generate_command_fails_clearly_when_the_model_writes_no_scenario(tmp_path, capsys):
    from harness_lend_an_ear._cli import main

    out = tmp_path / "new.json"
    result = harness_cli("lend-an-ear", "generate", "--model", "mockllm/model", "--count", "1", "--out", str(out))
    assert result.returncode == 1 and "dropped: gen-0-001" in result.stderr and "no JSON object" in result.stderr
    assert json.loads(out.read_text()) == []
    assert main(["generate", "--model", "mockllm/model", "--domains", "school"]) == 2
    assert "unknown domain 'school'" in capsys.readouterr().err
