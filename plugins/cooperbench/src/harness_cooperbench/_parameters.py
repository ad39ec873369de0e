"""The task's parameters checked before anything is built: one line naming the parameter and the fix."""

from __future__ import annotations

from harness import ConfigError, DockerSandboxConfig

from ._prompts import SETTINGS


def check_parameters(
    setting: str,
    git: bool,
    message_limit: int,
    max_wait: int,
    test_timeout: int,
    memory: str,
    pool_size: int,
    eval_concurrency: int | None,
) -> None:
    """Raise ConfigError for the first bad parameter (types, ranges, units), before any image build."""
    if setting not in SETTINGS:
        raise ConfigError(f"task.setting must be one of {', '.join(SETTINGS)}, got {setting!r}")
    if git and setting == "solo":
        raise ConfigError("task.git=true needs two agents (setting coop or coop_nomsg), not solo")
    for name, value, least in (
        ("message_limit", message_limit, 1),
        ("max_wait", max_wait, 0),
        ("test_timeout", test_timeout, 1),
        ("pool_size", pool_size, 0),
        ("eval_concurrency", 1 if eval_concurrency is None else eval_concurrency, 1),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigError(f"task.{name} must be a whole number >= {least}, got {value!r}; e.g. task.{name}={least}")
    try:
        DockerSandboxConfig(memory=memory)
    except Exception:  # noqa: BLE001 - pydantic's ValidationError: the message below says it all
        raise ConfigError(
            f"task.memory must be a size in docker syntax of at least 6m, got {memory!r}; e.g. task.memory=2g"
        ) from None
