"""Built-in solvers: thin, documented wrappers over inspect-ai's."""

from __future__ import annotations

from typing import Any


def chain_of_thought(template: str | None = None) -> Any:
    """Ask the model to reason step by step before answering, then generate.

    Args:
        template: Prompt template with a {prompt} field (default: inspect's).
    """
    from inspect_ai.solver import chain, chain_of_thought as inspect_cot, generate

    cot = inspect_cot(template) if template else inspect_cot()
    return chain(cot, generate())


def system_message(message: str) -> Any:
    """Put a system message before the conversation, then generate.

    Args:
        message: The system message.
    """
    from inspect_ai.solver import chain, generate, system_message as inspect_system_message

    return chain(inspect_system_message(message), generate())
