"""Checking that the models a run names have a provider, before anything runs or is written.

inspect reports an unknown provider (`model=nosuch/x`) only once the evaluation starts, after
the run directory exists; the harness asks inspect's registry of model APIs first.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from harness._errors import ConfigError


def check_model_providers(models: Iterable[tuple[str, str]]) -> None:
    """Each `(where, model)` names a provider inspect knows (`provider/name`).

    Args:
        models: Where each model is set (`model`, `model_roles.grader`) and the model string.

    Raises:
        ConfigError: A model string without a provider, or with one inspect does not know; the
            message names the setting, the close match and where to find the providers.
    """
    for where, model in models:
        provider, slash, _ = model.partition("/")
        if not slash or not provider:
            raise ConfigError(f"{where}={model} is not a model: write PROVIDER/NAME, e.g. mockllm/model, openai/gpt-4o")
        known = model_providers()
        if provider not in known:  # as inspect does: packages' providers load only when asked for
            known = model_providers(load_entry_points=True)
        if provider not in known:
            close = difflib.get_close_matches(provider, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else "."
            raise ConfigError(
                f"{where}={model}: no model provider '{provider}'{hint} Known providers: {', '.join(sorted(known))} "
                "(a provider's package may need installing: see inspect's docs on model providers)"
            )


def model_providers(*, load_entry_points: bool = False) -> list[str]:
    """The model API names registered with inspect; with `load_entry_points`, installed packages' too."""
    import inspect_ai.model  # noqa: F401  (registers inspect's own providers)
    from inspect_ai._util.registry import registry_find, registry_info, registry_unqualified_name  # private

    if load_entry_points:
        from inspect_ai._util.entrypoints import ensure_entry_points  # private: packages' providers (local/...)

        ensure_entry_points()
    apis = registry_find(lambda info: info.type == "modelapi")
    return sorted({registry_unqualified_name(registry_info(api)) for api in apis})
