"""Stateful SWE for plugeval: developers who come back, with preferences a coding agent should remember.

Public: the catalogue and profiles, histories, the task, the user simulator, the scorer, the agents
(baselines and scripted), the matcher, and the report.
"""

from ._agents import bm25_agent, no_memory_agent, tom_agent
from ._artefact import Artefact, SuiteRun
from ._catalogue import Catalogue, Category, Preference, load_catalogue
from ._checks import CHECKS, check
from ._histories import History, check_history, load_history, scripted_history
from ._judge import Verdict, judge_session, satisfaction
from ._matcher import PreferenceMatcher
from ._minisuite import Issue, load_minisuite
from ._profiles import Profile, load_profiles
from ._report import report as report_runs
from ._scorer import session_outcome
from ._scripted import scripted_applier, scripted_ignorer
from ._simulator import ProfileSimulator, profile_user
from ._task import stateful_swe

__all__ = [
    "CHECKS",
    "Artefact",
    "Catalogue",
    "Category",
    "History",
    "Issue",
    "Preference",
    "PreferenceMatcher",
    "Profile",
    "ProfileSimulator",
    "SuiteRun",
    "Verdict",
    "bm25_agent",
    "check",
    "check_history",
    "judge_session",
    "load_catalogue",
    "load_history",
    "load_minisuite",
    "load_profiles",
    "no_memory_agent",
    "profile_user",
    "report_runs",
    "satisfaction",
    "scripted_applier",
    "scripted_history",
    "scripted_ignorer",
    "session_outcome",
    "stateful_swe",
    "tom_agent",
]
