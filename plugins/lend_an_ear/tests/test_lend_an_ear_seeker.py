"""The seeker: opens, shares more when invited, pushes back, rates; attribution in its prompt; the LLM policy."""

from __future__ import annotations

import asyncio
import math

import pytest
from lend_an_ear_testkit import scripted_model

from harness import ConfigError, Simulator, SimulatorContext, Turn
from harness_lend_an_ear import SUPPORTED_BY, Seeker, lend_an_ear_seeker, load_scenarios
from harness_lend_an_ear._seeker import parse_rating, system_prompt

SCENARIO = load_scenarios()[0]


def _context(attribution: str = "ai") -> SimulatorContext:
    return SimulatorContext(
        hidden_info=SCENARIO.situation,
        persona=SCENARIO.persona,
        preferences={"scenario": SCENARIO.to_json(), "attribution": attribution},
        sample_id=SCENARIO.id,
    )


def _talk(seeker: Seeker, *supporter: str) -> list[Turn]:
    async def run() -> list[Turn]:
        turns = [Turn("user", (await seeker.reply([], _context())).text)]
        for text in supporter:
            turns.append(Turn("agent", text))
            turns.append(Turn("user", (await seeker.reply(turns, _context())).text))
        return turns

    return asyncio.run(run())


def test_the_seeker_is_a_public_simulator_with_rate():
    from harness.simulation import RatingSimulator

    seeker = lend_an_ear_seeker(policy="scripted")
    assert isinstance(seeker, Simulator) and isinstance(seeker, RatingSimulator)  # rate(), as the core's survey asks
    assert seeker.name == "lend_an_ear_seeker:scripted"
    with pytest.raises(ConfigError, match="simulator.policy must be llm or scripted"):
        lend_an_ear_seeker(policy="chatty")


def test_scripted_seeker_opens_shares_when_invited_and_pushes_back():
    turns = _talk(
        Seeker(policy="scripted"),
        "You should just go to HR tomorrow.",
        "Can you tell me more about what happened?",
        "What has that been like for you?",
        "Don't worry, it'll be fine.",
        "When I was your age my boss did the same to me.",
    )
    said = [t.text for t in turns if t.role == "user"]
    assert said[0] == SCENARIO.opening
    assert "not really looking for advice" in said[1] and SCENARIO.hopes in said[1]  # advice before feeling heard
    assert said[2:4] == list(SCENARIO.details[:2])  # one more detail per invitation, in order
    assert "doesn't feel small" in said[4] and any(f in said[4] for f in SCENARIO.feelings)
    assert "this is about what's happening to me" in said[5]


def test_advice_after_feeling_understood_is_considered_not_refused():
    turns = _talk(Seeker(policy="scripted"), "That sounds so unfair.", "Maybe you could talk to him when you're ready?")
    assert turns[-1].text == "Maybe. I'll think about that."


def test_scripted_ratings_follow_the_supporters_moves():
    seeker = Seeker(policy="scripted")
    questions = ["How heard did you feel?"]
    kind = _talk(
        seeker, "That sounds painful. What happened next?", "It sounds like you felt invisible. How are you now?"
    )
    cold = _talk(seeker, "At least you have a job. You should update your CV.", "I had it worse at my last job.")
    warm_rating = asyncio.run(seeker.rate(kind, _context(), questions))[questions[0]]
    cold_rating = asyncio.run(seeker.rate(cold, _context(), questions))[questions[0]]
    assert 1 <= cold_rating < warm_rating <= 5


@pytest.mark.parametrize("attribution", ["ai", "human"])
def test_the_attribution_is_in_the_seekers_system_prompt(attribution):
    prompt = system_prompt(_context(attribution))
    assert SUPPORTED_BY[attribution] in prompt and SCENARIO.persona in prompt and SCENARIO.details[0] in prompt


def test_the_llm_seeker_speaks_through_its_model_and_rates_with_numbers():
    model = scripted_model("I just feel so stuck.", "4", "I'd say 2 out of 5", "no idea")
    seeker = Seeker(policy="llm")
    seeker.model = model  # type: ignore[assignment]  # a Model object in place of a name, for the test
    turns = _talk(seeker, "That sounds hard. What happened?")
    assert turns[-1].text == "I just feel so stuck." and turns[0].text == SCENARIO.opening
    ratings = asyncio.run(seeker.rate(turns, _context(), ["heard?", "validated?", "understood?"]))
    assert ratings["heard?"] == 4.0 and ratings["validated?"] == 2.0 and math.isnan(ratings["understood?"])


def test_rating_numbers_are_read_strictly():
    assert parse_rating("5") == 5.0 and parse_rating("Rating: 3.") == 3.0
    assert math.isnan(parse_rating("10")) and math.isnan(parse_rating("")) and math.isnan(parse_rating("2.5"))


def test_a_context_without_a_scenario_still_works():
    seeker = Seeker(policy="scripted")
    context = SimulatorContext(hidden_info="My dog is ill.\nThe vet is worried.", sample_id="x")
    opening = asyncio.run(seeker.reply([], context))
    answer = asyncio.run(seeker.reply([Turn("user", opening.text), Turn("agent", "Tell me more.")], context))
    assert opening.text == "My dog is ill." and answer.text == "The vet is worried."
