"""Secrets kept out of the inspect log's header and journal, before inspect writes them.

inspect logs a model's `model_args` (dropping only `api_key` and `aws_*`), its explicit base URL
and a task's arguments in the log header and in `_journal/start.json`. The provider and the task
need the real values; the log needs none of them. So the model is built here with the real
arguments and then given redacted copies of what inspect reads when it writes the log
(`Model.model_args`, the explicit base URL), and a task's logged arguments are redacted the same
way. Pass what these return to `inspect_ai.eval` instead of a model name and `model_args`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.results._redact import redact, redact_text

_TASK_PARAMS_ATTR = "__task_all_params__"  # inspect's TASK_ALL_PARAMS_ATTR (private: re-check on upgrades)


def log_safe_model(model: Any, model_args: Mapping[str, Any] | None = None, **get_model_args: Any) -> Any:
    """The inspect `Model` for `model` (a name or a Model) built with the real `model_args`, whose logged
    arguments and base URL are redacted (`harness.results._redact.redact`).

    `model_args.base_url` is passed as the model's base URL (inspect's `eval(model_args=...)` would
    pass it twice and fail). Other keyword arguments go to `inspect_ai.model.get_model` (`role`,
    `config`, `memoize`...).
    """
    from inspect_ai.model import Model, get_model

    if isinstance(model, Model):
        return _redacted(model)
    args = dict(model_args or {})
    base_url = args.pop("base_url", None)
    return _redacted(get_model(model, base_url=base_url, **get_model_args, **args))


def _redacted(model: Any) -> Any:
    model.model_args = redact(dict(model.model_args or {}))
    explicit = getattr(model, "_explicit_base_url", None)  # private: what inspect logs as model_base_url
    if isinstance(explicit, str):
        model._explicit_base_url = redact_text(explicit)
    return model


def log_safe_roles(roles: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Model roles (names or Models) as Models whose logged arguments are redacted."""
    if not roles:
        return None
    return {role: log_safe_model(model, role=role) for role, model in roles.items()}


def redact_logged_task_args(task: Any) -> Any:
    """`task` with the arguments inspect will log for it redacted (the task itself keeps using the real ones)."""
    params = getattr(task, _TASK_PARAMS_ATTR, None)
    if isinstance(params, dict):
        setattr(task, _TASK_PARAMS_ATTR, redact(params))
    return task
