"""Simulated users: the protocol, the agent's `ask_user` tool, conversation records, built-in simulators.

A person can sit in the seat too (the human simulator, on a web page with `seat=web`), and after
a conversation whoever sat there can answer a survey (`SurveyQuestion`, `load_survey`; a
simulator answers through the optional `RatingSimulator.rate`).

A task that lets its agent ask a user (1) gives each sample a `SimulatorContext` (what only the
user knows) through the `simulated_user()` solver, (2) hands the agent `ask_user(simulator)`,
and (3) reads the sample's `conversation_record()` in its scorers. A simulator is any object
with a `name` and an async `reply(conversation, context)` (see `Simulator`); `oracle`, `replay`,
`llm` and `human` are built in and registered as `harness.simulators` plugins.
"""

from harness.simulation._protocol import (
    CONTINUE_MESSAGE,
    NO_INFORMATION,
    RatingSimulator,
    Simulator,
    SimulatorContext,
    SimulatorReply,
    Turn,
)
from harness.simulation._record import STORE_KEY, ConversationRecord, ConversationTurn, conversation_record
from harness.simulation._session import DEFAULT_MAX_TURNS, SimulatorFailed
from harness.simulation._simulators import (
    USER_ROLE,
    FixedReplySimulator,
    HumanSimulator,
    LLMSimulator,
    OracleSimulator,
    ReplaySimulator,
)
from harness.simulation._survey import DEFAULT_SURVEY, SurveyQuestion, load_survey
from harness.simulation._tool import CONTEXT_METADATA_KEY, ask_user, context_from_metadata, simulated_user

__all__ = [
    "CONTEXT_METADATA_KEY",
    "CONTINUE_MESSAGE",
    "DEFAULT_SURVEY",
    "DEFAULT_MAX_TURNS",
    "NO_INFORMATION",
    "STORE_KEY",
    "USER_ROLE",
    "ConversationRecord",
    "ConversationTurn",
    "FixedReplySimulator",
    "HumanSimulator",
    "LLMSimulator",
    "OracleSimulator",
    "RatingSimulator",
    "ReplaySimulator",
    "Simulator",
    "SimulatorContext",
    "SimulatorFailed",
    "SimulatorReply",
    "SurveyQuestion",
    "Turn",
    "ask_user",
    "context_from_metadata",
    "conversation_record",
    "load_survey",
    "simulated_user",
]
