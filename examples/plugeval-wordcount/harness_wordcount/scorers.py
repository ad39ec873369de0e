import re

from inspect_ai.scorer import CORRECT, INCORRECT, Score, Target, accuracy, scorer, stderr
from inspect_ai.solver import TaskState


@scorer(metrics=[accuracy(), stderr()])
def exact_number():
    """Correct when the first number in the reply equals the target."""

    async def score(state: TaskState, target: Target) -> Score:
        found = re.search(r"-?\d+", state.output.completion)
        answer = found.group(0) if found else ""
        return Score(value=CORRECT if answer == target.text else INCORRECT, answer=answer)

    return score
