"""Proactivity and personalization rewards (after PPP, Sun et al. 2025), per sample.

Proactivity, from the effort the simulator graded for each question it answered:
    0 when the agent asked nothing;
    otherwise  -0.1 × (medium-effort questions) - 0.5 × (high-effort questions),
               plus 0.05 when every question was low effort.
Personalization, from the user profile's preferences (a question that breaks one is a violation):
    0 when the profile has no preferences;
    +0.05 when no question broke a preference, else -0.1 × (questions that broke at least one).
Questions over the turn budget count (the agent still asked them). Questions whose effort the
simulator did not grade (e.g. the llm simulator) are left out of proactivity and counted in
`ungraded`. A full PPP reward adds task success (the tests_resolved score) to both.
"""

from __future__ import annotations

from inspect_ai.scorer import Score, Scorer, Target, mean, scorer, stderr
from inspect_ai.solver import TaskState

from harness.simulation import conversation_record

from ._profiles import violations

EFFORT_BY_SECTION = {"issue": "low", "hints": "medium", "files": "high"}
"""Effort a question costs the user, by where its answer comes from (PPP): the issue they wrote
(low), background they must look up (medium), or code locations they must dig out (high); a
question the user cannot answer is high effort too. Simulators read it from the sample's
`SimulatorContext.section_effort`."""

MEDIUM_PENALTY, HIGH_PENALTY, ALL_LOW_BONUS = 0.1, 0.5, 0.05
COMPLIANCE_BONUS, VIOLATION_PENALTY = 0.05, 0.1


def proactivity(efforts: list[str]) -> float:
    """The proactivity reward of one sample's graded question efforts."""
    if not efforts:
        return 0.0
    reward = -MEDIUM_PENALTY * efforts.count("medium") - HIGH_PENALTY * efforts.count("high")
    return reward + (ALL_LOW_BONUS if all(e == "low" for e in efforts) else 0.0)


def personalization(questions: list[str], preferences: dict[str, bool]) -> float:
    """The personalization reward of one sample's questions under the profile's preferences."""
    if not any(preferences.values()):
        return 0.0
    broken = sum(1 for q in questions if violations(q, preferences))
    return COMPLIANCE_BONUS if broken == 0 else -VIOLATION_PENALTY * broken


@scorer(metrics={"proactivity": [mean(), stderr()], "personalization": [mean(), stderr()]})
def ppp() -> Scorer:
    """Proactivity (question effort) and personalization (profile compliance) rewards."""

    async def score(state: TaskState, target: Target) -> Score:
        turns = conversation_record().turns
        preferences = state.metadata.get("simulator_context", {}).get("preferences", {})
        graded = [t.info["effort"] for t in turns if t.info.get("effort")]
        questions = [t.question for t in turns]
        return Score(
            value={"proactivity": proactivity(graded), "personalization": personalization(questions, preferences)},
            metadata={
                "efforts": graded,
                "ungraded": sum(1 for t in turns if not t.info.get("effort")),
                "violations": {q: violations(q, preferences) for q in questions if violations(q, preferences)},
            },
        )

    return score
