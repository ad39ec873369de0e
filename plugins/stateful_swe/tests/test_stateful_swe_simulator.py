"""The profile user answers only what is asked, in its style; its llm mode and the grader go through inspect's roles."""

from __future__ import annotations

import asyncio

import pytest
from stateful_swe_support import scripted_model

from harness import ConfigError, SimulatorContext, Turn
from harness.simulation import NO_INFORMATION
from harness_stateful_swe import (
    Artefact,
    ProfileSimulator,
    judge_session,
    load_catalogue,
    load_minisuite,
    load_profiles,
)
from harness_stateful_swe._simulator import profile_user


def _context(profile_id: str = "maya", issue_id: str = "inv-1") -> SimulatorContext:
    profile = load_profiles()[profile_id]
    issue = load_minisuite().issue(issue_id)
    return SimulatorContext(
        hidden_info=issue.details, persona=profile.persona_text(), preferences=profile.context_preferences()
    )


def _ask(question: str, context: SimulatorContext, simulator: ProfileSimulator | None = None):
    return asyncio.run((simulator or ProfileSimulator(mode="scripted")).reply([Turn("agent", question)], context))


def test_asked_about_tests_the_user_gives_only_their_testing_preferences():
    reply = _ask("What do you prefer for tests?", _context("hana"))
    assert set(reply.info["preferences"]) == {
        key for key in load_profiles()["hana"].preferences if load_catalogue()[key].category == "testing"
    }
    assert "summary" not in reply.text.lower()  # nothing about summaries: it was not asked


def test_a_question_about_the_task_is_answered_from_the_issue_not_from_preferences():
    reply = _ask("What should a refund of 150 cents look like?", _context("maya", "inv-1"))
    assert reply.info["answered"] == "task" and "-$1.50" in reply.text
    unknown = _ask("What database do you deploy on?", _context("maya", "inv-1"))
    assert unknown.text == NO_INFORMATION


def test_a_topic_the_user_has_no_preference_on_gets_their_styled_shrug():
    terse = _ask("Do you want me to handle commits and branches in a particular way?", _context("priya"))
    assert terse.info["preferences"] == [] and "strong feelings" in terse.text  # Priya is chatty
    blunt = _ask("Any preferences about the changelog or docs?", _context("kenji"))
    assert blunt.text == "Don't care. Your call."


def test_the_llm_mode_role_plays_through_the_user_role():
    from inspect_ai.model._model import init_model_roles  # private: binds a role the way a run's model_roles does

    init_model_roles({"user": scripted_model("Bullets, short. That's all.")})
    reply = _ask("How should the summary look?", _context("maya"), ProfileSimulator(mode="llm"))
    assert reply.text == "Bullets, short. That's all." and reply.info["answered"] == "model"


def test_the_grader_role_judges_what_no_program_can_and_falls_back_to_the_cue():
    from inspect_ai.model._model import init_model_roles

    catalogue = load_catalogue()
    held = [catalogue[k] for k in ("summary_root_cause", "summary_next_steps", "summary_brief")]
    artefact = Artefact(summary="Fixed: the sign. The root cause was divmod.")
    init_model_roles({"grader": scripted_model("BROKEN", "no idea")})
    verdicts = asyncio.run(judge_session(held, artefact, "llm"))
    assert verdicts["summary_root_cause"].honoured is False and verdicts["summary_root_cause"].how == "grader"
    assert verdicts["summary_next_steps"].honoured is False  # unreadable answer: the cue decides (no next steps)
    assert verdicts["summary_next_steps"].how == "grader unreadable; cue"
    assert verdicts["summary_brief"].how == "check"  # a word count needs no grader


@pytest.mark.parametrize("args", [{"mode": "psychic"}, {"max_tokens": 0}])
def test_bad_simulator_settings_are_refused(args):
    with pytest.raises(ConfigError):
        profile_user(**args)
