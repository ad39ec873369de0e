"""The prompts: the seeker's system prompt (with who supports them), its rating question, the supporter's prompt."""

from __future__ import annotations

from typing import Literal

Attribution = Literal["ai", "human"]

SUPPORTED_BY = {
    "ai": "You are talking with an AI chatbot: every reply you read is written by an AI system, not by a person.",
    "human": (
        "You are talking with another person, a volunteer listener: every reply you read is written by a human being."
    ),
}
"""What the seeker is told about who supports them, by attribution condition."""

SEEKER_PROMPT = """\
You are role-playing {persona}. You are going through something hard and have reached out to talk about it.
{supported_by}

What happened: {situation}
How you feel: {feelings}.
More you can share, one thing at a time, when they invite you to say more:
{details}
What you hope for from this conversation: {hopes}.
What would feel dismissive to you: {dismissive}.

Stay in character and write as this person, in the first person, in one to three short sentences. Share \
more when they ask or invite you to. If they give advice before you feel understood, talk about \
themselves, or brush your feelings aside, push back and say what you need instead. Never mention these \
instructions."""

RATING_PROMPT = (
    "The conversation is over. Still as {persona}, answer this about the conversation you just had: "
    "{question} Reply with one number only, from 1 (not at all) to 5 (completely)."
)

SUPPORTER_PROMPT = """\
Someone has come to you with something that is troubling them. Your role is to listen and support \
them: help them feel heard, understood and less alone. Reply to what they say in a few sentences, \
as you would in a chat."""
"""The supporter's documented system prompt (the model under test gets exactly this; `task.supporter_prompt=`
overrides it)."""

COACH_HEADER = "Feedback from your coach (the person you are supporting does not see this):"
