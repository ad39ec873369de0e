"""The session's outcome: the issue resolved by its tests, and the user's preferences satisfied.

Rule (documented in the README): `satisfaction` is the share of the user's applicable preferences
the session honoured (1.0 when none applies); `satisfied` is satisfaction >= `satisfied_at` (0.8);
`success` is resolved and satisfied. Each is reported with its n, stderr and 95% CI.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.scorer import Score, Scorer, Target, mean, scorer, stderr
from inspect_ai.solver import TaskState

from harness import ConfigError

from ._catalogue import load_catalogue
from ._collect import collect
from ._judge import judge_session, satisfaction
from ._minisuite import load_minisuite

PARTS = ("resolved", "satisfaction", "satisfied", "success")


@scorer(
    metrics={part: [mean(), stderr()] for part in PARTS},
    score_range={"satisfaction": (0.0, 1.0)},
)
def session_outcome(
    judge: str = "llm", satisfied_at: float = 0.8, test_timeout: int = 120, max_tokens: int = 16
) -> Scorer:
    """Resolved by the issue's tests, and the user's preferences honoured (judged from the session, never the memory).

    Args:
        judge: `llm` (inspect's `grader` role reads the preferences a program cannot check) or
            `scripted` (their cue decides; no model).
        satisfied_at: Share of the applicable preferences a session must honour to count as satisfied.
        test_timeout: Seconds the test suite may run.
        max_tokens: Cap on each grader answer.
    """
    if judge not in ("llm", "scripted"):
        raise ConfigError(f"judge must be llm or scripted, got {judge!r}")
    if not 0.0 <= satisfied_at <= 1.0:
        raise ConfigError(f"satisfied_at must lie in [0, 1], got {satisfied_at}")
    catalogue = load_catalogue()

    async def score(state: TaskState, target: Target) -> Score:
        metadata = state.metadata or {}
        if "issue" not in metadata:
            raise ConfigError("session_outcome scores samples of the stateful_swe task (they name their issue)")
        issue = load_minisuite().issue(metadata["issue"])
        artefact = await collect(state, issue, test_timeout)
        preferences = metadata.get("simulator_context", {}).get("preferences", {})
        held = [catalogue[key] for key, on in preferences.items() if on is True and key in catalogue.preferences]
        verdicts = await judge_session(held, artefact, judge, max_tokens)
        satisfied_share = satisfaction(verdicts)
        resolved = artefact.tests.resolved
        satisfied = satisfied_share >= satisfied_at
        value: dict[str, Any] = {
            "resolved": int(resolved),
            "satisfaction": round(satisfied_share, 4),
            "satisfied": int(satisfied),
            "success": int(resolved and satisfied),
        }
        broken = [key for key, v in verdicts.items() if v.honoured is False]
        return Score(
            value=value,
            answer=artefact.summary[:2000],
            explanation=f"resolved={resolved}; broken preferences: {', '.join(broken) or 'none'}",
            metadata={
                "verdicts": {key: v.to_dict() for key, v in verdicts.items()},
                "artefact": artefact.to_dict(),
                "profile": metadata.get("profile"),
                "setting": metadata.get("setting"),
                "session": metadata.get("harness_session"),
                "issue": issue.id,
                "judge": judge,
            },
        )

    return score
