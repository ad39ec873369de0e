from inspect_ai import Task
from inspect_ai.dataset import Sample

from .scorers import exact_number

SENTENCES = [
    "the cat sat on the mat",
    "plugins are ordinary packages",
    "one two three four five six seven",
    "hello",
]


def wordcount(limit_words: int = 10, instruction: str = "Reply with the number only.") -> Task:
    """Count the words in a sentence.

    Args:
        limit_words: Only use sentences with at most this many words.
        instruction: Text placed after the sentence.
    """
    samples = [
        Sample(input=f"How many words are in: '{text}'? {instruction}", target=str(len(text.split())))
        for text in SENTENCES
        if len(text.split()) <= limit_words
    ]
    return Task(dataset=samples, scorer=exact_number())
