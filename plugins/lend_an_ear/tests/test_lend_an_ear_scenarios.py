"""The shipped scenarios, their schema, and scenario files that break it."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from harness import ConfigError
from harness_lend_an_ear import load_scenarios, scenario_schema


def test_about_a_hundred_shipped_troubles_personal_and_workplace():
    scenarios = load_scenarios()
    assert len(scenarios) >= 100
    assert len({s.id for s in scenarios}) == len(scenarios)
    domains = [s.domain for s in scenarios]
    assert domains.count("workplace") >= 45 and domains.count("personal") >= 45
    assert all(len(s.details) >= 2 and s.feelings and s.dismissive for s in scenarios)
    Draft202012Validator.check_schema(scenario_schema())  # the published schema is itself valid


def _file(tmp_path, **changes):
    document = load_scenarios()[0].to_json()
    for key, value in changes.items():
        if value is None:
            document.pop(key)
        else:
            document[key] = value
    path = tmp_path / "one.json"
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"domain": "school"}, "domain: 'school' is not one of ['personal', 'workplace']"),
        ({"opening": None}, "'opening' is a required property"),
        ({"details": []}, "details: [] should be non-empty"),
        ({"id": "Has Spaces"}, "id: 'Has Spaces' does not match"),
        ({"mood": "sad"}, "Additional properties are not allowed ('mood' was unexpected)"),
    ],
)
def test_a_scenario_that_breaks_the_schema_is_named_with_its_field(tmp_path, changes, expected):
    with pytest.raises(ConfigError) as error:
        load_scenarios(_file(tmp_path, **changes))
    assert "one.json scenario" in str(error.value) and expected in str(error.value)


def test_other_bad_scenario_files(tmp_path):
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(ConfigError, match="broken.json: not readable JSON"):
        load_scenarios(tmp_path / "broken.json")
    with pytest.raises(ConfigError, match="no such file or directory"):
        load_scenarios(tmp_path / "missing.json")
    (tmp_path / "empty.json").write_text("[]")
    with pytest.raises(ConfigError, match="holds no scenarios"):
        load_scenarios(tmp_path / "empty.json")
    twice = load_scenarios()[0].to_json()
    (tmp_path / "twice.json").write_text(json.dumps([twice, twice]))
    with pytest.raises(ConfigError, match="appears twice"):
        load_scenarios(tmp_path / "twice.json")
    (tmp_path / "nothing").mkdir()
    with pytest.raises(ConfigError, match="holds no .json files"):
        load_scenarios(tmp_path / "nothing")


def test_a_directory_of_scenario_files_loads_them_all(tmp_path):
    first, second = (s.to_json() for s in load_scenarios()[:2])
    (tmp_path / "a.json").write_text(json.dumps(first))
    (tmp_path / "b.json").write_text(json.dumps([second]))
    assert [s.id for s in load_scenarios(tmp_path)] == [first["id"], second["id"]]
