"""The `lend_an_ear_seeker` simulator plugin factory (entry point in `harness.simulators`)."""

from __future__ import annotations

from harness import ConfigError

from ._seeker import Seeker


def lend_an_ear_seeker(
    policy: str = "llm", model: str | None = None, temperature: float = 0.7, max_tokens: int = 120
) -> Seeker:
    """A support seeker who opens with a trouble, shares more when invited, pushes back, and rates how heard they felt.

    Args:
        policy: `llm` (a model through inspect's `user` role) or `scripted` (deterministic, offline).
        model: The seeker's model instead of the `user` role (e.g. openai/gpt-4o-mini).
        temperature: Sampling temperature of the seeker model.
        max_tokens: Cap on each seeker message.
    """
    if policy not in ("llm", "scripted"):
        raise ConfigError(f"simulator.policy must be llm or scripted, got {policy!r}")
    if max_tokens < 1:
        raise ConfigError(f"simulator.max_tokens must be at least 1, got {max_tokens}")
    return Seeker(policy=policy, model=model, temperature=temperature, max_tokens=max_tokens)  # type: ignore[arg-type]
