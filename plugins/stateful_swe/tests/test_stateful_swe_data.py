"""The shipped data: catalogue, profiles, histories and repositories validate, and bad files are one-line errors."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml
from stateful_swe_support import PLUGIN

from harness import ConfigError
from harness_stateful_swe import (
    CHECKS,
    PreferenceMatcher,
    check_history,
    load_catalogue,
    load_history,
    load_profiles,
    scripted_history,
)
from harness_stateful_swe._catalogue import parse_catalogue
from harness_stateful_swe._data import data_path, read_document, schema
from harness_stateful_swe._minisuite import pack
from harness_stateful_swe._profiles import parse_profiles


def test_the_catalogue_has_75_preferences_in_seven_categories_each_with_a_known_check():
    catalogue = load_catalogue()
    assert len(catalogue.preferences) >= 75
    per_category = Counter(p.category for p in catalogue.preferences.values())
    assert set(per_category) == {
        "communication",
        "autonomy",
        "scope",
        "testing",
        "code_style",
        "version_control",
        "tooling",
    }
    assert min(per_category.values()) >= 6
    kinds = set(
        schema("preferences")["properties"]["preferences"]["items"]["properties"]["check"]["properties"]["kind"]["enum"]
    )
    assert kinds == set(CHECKS) | {"judge"}
    assert {p.kind for p in catalogue.preferences.values()} <= kinds
    shared = {p.id for p in catalogue.preferences.values() if p.shared == "ambig_swe"}
    assert shared == {"one_question_at_a_time", "no_questions", "brief"}  # Ambig-SWE's PPP keys, same meaning


def test_conflicts_are_symmetric_enough_that_no_profile_can_hold_both_sides():
    catalogue = load_catalogue()
    for preference in catalogue.preferences.values():
        for other in preference.conflicts:
            assert catalogue.conflicting([preference.id, other]), (preference.id, other)


def test_fifteen_profiles_drawn_from_the_catalogue_cover_it_without_conflicts():
    profiles = load_profiles()
    catalogue = load_catalogue()
    assert len(profiles) == 15
    assert all(6 <= len(p.preferences) <= 8 for p in profiles.values())
    used = {key for p in profiles.values() for key in p.preferences}
    assert used == set(catalogue.preferences)
    assert all(not catalogue.conflicting(list(p.preferences)) for p in profiles.values())
    assert {p.style for p in profiles.values()} == {"terse", "chatty", "formal", "blunt", "friendly"}


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda d: d["preferences"][0]["check"].update(kind="vibes"), "kind"),
        (lambda d: d["preferences"][0]["check"].pop("n"), "'n' is a required property"),
        (lambda d: d["preferences"][1].update(category="mood"), "unknown category 'mood'"),
        (lambda d: d["preferences"][1].update(conflicts=["nope"]), "conflicts with unknown ['nope']"),
        (lambda d: d["preferences"][8]["check"].update(pattern="(unclosed"), "not a regular expression"),
        (lambda d: d["preferences"].append(dict(d["preferences"][0])), "defined twice"),
    ],
)
def test_a_bad_catalogue_is_a_one_line_error_naming_the_problem(tmp_path: Path, change, problem):
    data = yaml.safe_load(data_path("preferences.yaml").read_text())
    change(data)
    file = tmp_path / "catalogue.yaml"
    file.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError) as raised:
        parse_catalogue(read_document(file, "preferences"), str(file))
    assert problem in str(raised.value) and "\n" not in str(raised.value)


def test_a_profile_with_conflicting_or_unknown_preferences_is_refused():
    catalogue = load_catalogue()
    base = {"id": "x", "name": "X", "role": "r", "style": "terse", "persona": "Someone who codes."}
    with pytest.raises(ConfigError, match="conflicting preferences"):
        parse_profiles(
            {"profiles": [{**base, "preferences": ["summary_brief", "summary_detailed", "no_todo"]}]}, catalogue, "f"
        )
    with pytest.raises(ConfigError, match="unknown preferences"):
        parse_profiles(
            {"profiles": [{**base, "preferences": ["summary_brief", "likes_tabs", "no_todo"]}]}, catalogue, "f"
        )


def test_shipped_histories_validate_and_the_matcher_recovers_exactly_each_profiles_preferences():
    matcher = PreferenceMatcher()
    for profile in load_profiles().values():
        history = load_history(profile)
        assert len(history.sessions) == 3 and [s["session"] for s in history.sessions] == [-3, -2, -1]
        said = "\n".join(t["text"] for s in history.agent_view() for t in s["turns"] if t["role"] == "user")
        assert set(matcher.extract(said)) == set(profile.preferences), profile.id
        assert all("expresses" not in t for s in history.agent_view() for t in s["turns"])  # labels never reach agents


def test_the_shipped_histories_are_what_the_scripted_writer_writes():
    for profile in load_profiles().values():
        shipped = json.loads(data_path(f"histories/{profile.id}.json").read_text())
        assert shipped == scripted_history(profile, 3).to_dict(), profile.id


def test_history_validation_catches_wrong_labels_roles_and_missing_preferences():
    profile = load_profiles()["maya"]
    good = scripted_history(profile, 2).to_dict()
    check_history(good, profile, "good")
    wrong_label = json.loads(json.dumps(good))
    wrong_label["sessions"][0]["turns"][2]["expresses"] = ["update_changelog"]
    with pytest.raises(ConfigError, match="not a preference of 'maya'"):
        check_history(wrong_label, profile, "f")
    lying = json.loads(json.dumps(good))
    lying["sessions"][0]["turns"][2]["text"] = "The weather is nice today."
    with pytest.raises(ConfigError, match="does not state"):
        check_history(lying, profile, "f")
    swapped = json.loads(json.dumps(good))
    swapped["sessions"][0]["turns"][0]["role"] = "agent"
    with pytest.raises(ConfigError, match="expected the user to speak"):
        check_history(swapped, profile, "f")
    short = {"profile": "maya", "sessions": good["sessions"][:1]}
    with pytest.raises(ConfigError, match="never states"):
        check_history(short, profile, "f")


def test_the_packed_minisuite_matches_its_folder():
    packed = json.loads(data_path("minisuite.json").read_text())
    assert packed == json.loads(json.dumps(pack(PLUGIN / "minisuite"))), (
        "data/minisuite.json is stale: run python plugins/stateful_swe/scripts/build_minisuite.py"
    )
    assert len(packed["issues"]) == 10 and len(packed["repos"]) == 4
    assert all(".gitignore" in files for files in packed["repos"].values())
