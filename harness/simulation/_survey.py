"""The survey after a conversation: questions on 1-5 scales, answered by whoever sat in the seat.

People answer on the seat's page; a simulator that implements `rate` (see `RatingSimulator`)
answers the same questions, so human and simulator ratings line up. `survey=default` asks the
built-in questions (how people rated agents in user studies of agentic tasks: satisfaction,
being understood, effort, naturalness, using it again); `survey=FILE.yaml` asks your own:

    questions:
      - text: How satisfied are you with the help you got?
        low_label: very dissatisfied
        high_label: very satisfied
      - text: ...

Each question may set `low` and `high` (default 1 and 5). The answers are kept in the sample's
store under `harness.survey`: `{"occupant", "ratings": {question: number}}`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from harness._errors import ConfigError

SURVEY_STORE_KEY = "harness.survey"


@dataclass(frozen=True)
class SurveyQuestion:
    """One question, rated on a scale from `low` to `high`."""

    text: str
    low: int = 1
    high: int = 5
    low_label: str = "not at all"
    high_label: str = "completely"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


DEFAULT_SURVEY = (
    SurveyQuestion(
        "How satisfied are you with how the agent handled your request?",
        low_label="very dissatisfied",
        high_label="very satisfied",
    ),
    SurveyQuestion("How well did the agent understand what you needed?"),
    SurveyQuestion(
        "How much effort did it take you to get what you needed?", low_label="a lot", high_label="very little"
    ),
    SurveyQuestion("How natural did the conversation feel?", low_label="not at all", high_label="like a person"),
    SurveyQuestion("Would you use this agent again for a similar task?", low_label="never", high_label="certainly"),
)


_known: dict[str, SurveyQuestion] = {question.text: question for question in DEFAULT_SURVEY}


def question_scale(text: str) -> SurveyQuestion:
    """The question asked as `text` (its scale and labels), from the surveys loaded in this process."""
    return _known.get(text) or SurveyQuestion(text)


def load_survey(spec: str) -> tuple[SurveyQuestion, ...]:
    """The questions `survey=` names: `default`, or a YAML list of questions.

    Raises:
        ConfigError: The file is missing or not a list of questions; the message names the item.
    """
    if spec == "default":
        return DEFAULT_SURVEY
    from harness.config._yaml_reader import read_yaml_mapping

    document = read_yaml_mapping(spec, "survey")
    items = document.data.get("questions")
    if not isinstance(items, list) or not items:
        raise ConfigError(
            f"{document.where(('questions',))}: a survey file holds `questions:`, a list of {{text: ...}}"
        )
    questions = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, str):
            item = {"text": item}
        try:
            question = SurveyQuestion(**item)
        except TypeError as ex:
            raise ConfigError(f"survey file {spec}, question {number}: {ex}") from ex
        if not question.text or question.low >= question.high:
            raise ConfigError(f"survey file {spec}, question {number}: needs a text and low < high")
        questions.append(question)
        _known[question.text] = question
    return tuple(questions)


def seat_survey(questions: tuple[SurveyQuestion, ...]) -> Any:
    """A solver step, run after the task's own: whoever sat in the user seat rates the conversation.

    A person answers on the seat's page (or in the terminal); a simulator answers with `rate` if it
    has one. Nothing is asked when nobody sat in the seat. A survey nobody answers in time is
    recorded as unanswered; the sample keeps its score.
    """
    from inspect_ai.solver import Generate, TaskState, solver

    @solver(name="seat_survey")
    def survey_step() -> Any:
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            await _ask_survey(questions)
            return state

        return solve

    return survey_step()


async def _ask_survey(questions: tuple[SurveyQuestion, ...]) -> None:
    from inspect_ai.util import store

    from harness.simulation._active import SEAT_STORE_KEY, seat_occupant
    from harness.simulation._protocol import RatingSimulator, SimulatorContext, Turn

    occupant = seat_occupant()
    seat = store().get(SEAT_STORE_KEY) or {}
    if occupant is None or seat.get("seat") != "user":
        return
    if not isinstance(occupant, RatingSimulator):
        store().set(
            SURVEY_STORE_KEY, {"occupant": occupant.name, "ratings": None, "note": "the simulator does not rate"}
        )
        return
    name = str(getattr(occupant, "name", type(occupant).__name__))
    conversation = [Turn(turn["role"], turn["text"]) for turn in seat.get("turns", [])]
    context = SimulatorContext(hidden_info=seat.get("brief", ""))
    try:
        ratings = await occupant.rate(conversation, context, [question.text for question in questions])
    except Exception as ex:  # a person who does not answer, a simulator that fails: the score stands
        store().set(
            SURVEY_STORE_KEY, {"occupant": name, "ratings": None, "note": f"{type(ex).__name__}: {ex}"}
        )
        return
    finite = {question: (value if value == value else None) for question, value in ratings.items()}  # NaN: no answer
    store().set(SURVEY_STORE_KEY, {"occupant": name, "ratings": finite})
