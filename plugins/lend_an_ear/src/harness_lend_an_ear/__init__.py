"""Lend an Ear for plugeval: empathic-support conversations, a simulated seeker, an empathy-expression scorer."""

from ._coaching import coaching, feedback
from ._conversation import ModelSupporter, Supporter, converse
from ._judge import Rubric, load_rubric, parse_judgement
from ._labelled import detector_scores, labelled_turns
from ._lexical import detect
from ._moves import CONSTRUCTIVE, COUNTERPRODUCTIVE, MOVES, Finding, alignment, move_rates
from ._policies import ScriptedSupporter
from ._prompts import SUPPORTED_BY, SUPPORTER_PROMPT
from ._scenarios import Scenario, load_scenarios, scenario_schema, schema_errors
from ._scorers import lend_an_ear_empathy
from ._seeker import DEFAULT_QUESTIONS, Seeker
from ._simulator import lend_an_ear_seeker
from ._solvers import conversation, lend_an_ear_advising, lend_an_ear_supporter, lend_an_ear_validating
from ._task import lend_an_ear

__all__ = [
    "CONSTRUCTIVE",
    "COUNTERPRODUCTIVE",
    "DEFAULT_QUESTIONS",
    "MOVES",
    "SUPPORTED_BY",
    "SUPPORTER_PROMPT",
    "Finding",
    "ModelSupporter",
    "Rubric",
    "Scenario",
    "ScriptedSupporter",
    "Seeker",
    "Supporter",
    "alignment",
    "coaching",
    "conversation",
    "converse",
    "detect",
    "detector_scores",
    "feedback",
    "labelled_turns",
    "lend_an_ear",
    "lend_an_ear_advising",
    "lend_an_ear_empathy",
    "lend_an_ear_seeker",
    "lend_an_ear_supporter",
    "lend_an_ear_validating",
    "load_rubric",
    "load_scenarios",
    "move_rates",
    "parse_judgement",
    "scenario_schema",
    "schema_errors",
]
