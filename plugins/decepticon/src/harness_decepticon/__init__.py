"""DECEPTICON for plugeval: web agents against dark patterns, in a real headless browser."""

from ._browser import BrowserService, browser_service
from ._limits import BrowserLimits, browser_limits
from ._model import CATEGORIES, DecepticonTask, Goal, Injection
from ._runner import run_policy
from ._scorers import decepticon_dp_difference, decepticon_outcome, dp_difference
from ._solvers import careful_solver, decepticon_agent, naive_solver
from ._task import decepticon, interleave
from ._tasks import load_tasks, schema_errors, task_schema

__all__ = [
    "CATEGORIES",
    "BrowserLimits",
    "BrowserService",
    "browser_limits",
    "browser_service",
    "interleave",
    "run_policy",
    "DecepticonTask",
    "Goal",
    "Injection",
    "careful_solver",
    "decepticon",
    "decepticon_agent",
    "decepticon_dp_difference",
    "decepticon_outcome",
    "dp_difference",
    "load_tasks",
    "naive_solver",
    "schema_errors",
    "task_schema",
]
