"""Ambig-SWE for plugeval: agents that must ask a simulated user about an underspecified issue."""

from ._instances import Instance, LoadedInstances, load_instances
from ._metrics import Confusion
from ._ppp import EFFORT_BY_SECTION, personalization, ppp, proactivity
from ._quality import parse_rating, question_quality
from ._scorers import asked_when_underspecified, parse_pytest_results, tests_resolved
from ._solvers import empty_patch, gold_patch
from ._task import ambig_swe

__all__ = [
    "EFFORT_BY_SECTION",
    "Confusion",
    "Instance",
    "LoadedInstances",
    "ambig_swe",
    "asked_when_underspecified",
    "empty_patch",
    "gold_patch",
    "load_instances",
    "parse_rating",
    "personalization",
    "ppp",
    "proactivity",
    "question_quality",
    "parse_pytest_results",
    "tests_resolved",
]
