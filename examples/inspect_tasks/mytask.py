"""An ordinary inspect task file, run by the harness like any task."""

from inspect_ai import Task, task
from inspect_ai.dataset import Sample
from inspect_ai.scorer import includes
from inspect_ai.solver import generate

WORDS = ["plug", "eval", "harness", "sample"]


@task
def mytask(count: int = 3) -> Task:
    """Repeat a word a number of times.

    Args:
        count: How many times the word is to be repeated.
    """
    samples = [
        Sample(input=f"Write the word '{word}' {count} times, separated by spaces.", target=" ".join([word] * count))
        for word in WORDS
    ]
    return Task(dataset=samples, solver=generate(), scorer=includes())
