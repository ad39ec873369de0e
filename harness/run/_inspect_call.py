"""The one place that calls inspect-ai's `eval` and `eval_set`.

Before the first call the harness makes inspect work offline (token counting without a
tiktoken download) and starts inspect's hooks itself, so the start-up banner inspect prints
when hooks are registered does not announce the harness's own internal hooks on every run
(a banner about anyone else's hooks, or inspect's legacy telemetry, is still printed).
Failures of inspect to start (a bad model name, a missing provider or key) become one-line
`HarnessError`s without inspect's console markup.

The `harness` command prints one results panel per run, its own (every value with its interval
and n); it calls `hide_inspect_results_panel()` so inspect's displays do not print theirs too.
Library users who call `execute` keep inspect's panel.
"""

from __future__ import annotations

import importlib
import io
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, redirect_stdout
from typing import Any

from harness._errors import HarnessError

OWN_HOOKS = ("plugeval", "plugeval-progress", "plugeval-shard")
"""Names of the inspect hooks the harness registers for its own use."""

EVAL_LAZY_IMPORTS = ("inspect_ai.model._openai_responses", "inspect_ai.agent._acp.server", "fastapi")
"""What inspect's `eval` imports only once a run's first sample starts (~1 CPU-s together): its
OpenAI assistant state (when `openai` is installed), its per-sample ACP server and its control
server's web framework. Private modules of inspect-ai 0.3.x."""

_prepared = False
_hide_results_panel = False


def hide_inspect_results_panel() -> None:
    """From now on, runs in this process do not print inspect's results panel (the caller prints its own)."""
    global _hide_results_panel
    _hide_results_panel = True


def import_eval_runtime() -> None:
    """Import now what inspect's `eval` would import at a run's first sample (`EVAL_LAZY_IMPORTS`).

    A process that forks workers calls this first, so the modules are imported once, not again in
    every worker. A module another inspect-ai release moved or dropped is skipped: the eval then
    imports what it needs itself.
    """
    for module in EVAL_LAZY_IMPORTS:
        try:
            importlib.import_module(module)
        except ImportError:
            pass


def prepare_inspect() -> None:
    """Make inspect ready for a harness run in this process (idempotent)."""
    global _prepared
    from harness.run._offline import install_offline_token_counting

    install_offline_token_counting()
    if _prepared:
        return
    _prepared = True
    from inspect_ai.hooks._startup import init_hooks  # private: inspect's once-per-process hook start-up

    captured = io.StringIO()
    with redirect_stdout(captured):
        init_hooks()
    if announces_foreign_hooks(captured.getvalue()):
        sys.stdout.write(captured.getvalue())


def announces_foreign_hooks(banner: str) -> bool:
    """Whether inspect's start-up banner says anything but that the harness's own hooks are enabled.

    The banner is `inspect_ai vX`, then `- MESSAGE` items (legacy telemetry, `hooks enabled: N`), the
    hooks listed under the last one as `  name: description`; rich wraps long descriptions onto
    unindented lines, so what counts is the items and the names, not every line.
    """
    listed_hooks = False
    for line in banner.splitlines():
        if line.startswith("- "):
            listed_hooks = line.startswith("- hooks enabled")
            if not listed_hooks:
                return True  # a legacy hook's message
        elif line.startswith("  ") and listed_hooks and ":" in line:
            if line.strip().partition(":")[0].strip() not in OWN_HOOKS:
                return True
    return False


def call_eval(
    target: Any,
    *,
    solver: Any,
    model: str,
    model_args: Mapping[str, Any],
    model_roles: Mapping[str, Any],
    log_dir: str,
    metadata: Mapping[str, Any],
    args: Mapping[str, Any],
) -> list[Any]:
    """inspect's `eval` of one task (or a previous attempt of it); its logs.

    Raises:
        HarnessError: inspect could not start the evaluation.
        KeyboardInterrupt: Ctrl-C (inspect has then written a `cancelled` log).
    """
    from inspect_ai import eval as inspect_eval

    from harness.results._log_redaction import log_safe_roles, redact_logged_task_args

    prepare_inspect()
    redact_logged_task_args(getattr(target, "task", target))  # a previous attempt holds its task
    with _results_panel_hidden(_hide_results_panel):
        return _guarded(
            inspect_eval,
            target,
            solver=solver,
            model=_guarded(safe_model, model, model_args),
            model_roles=_guarded(log_safe_roles, inspect_roles(model_roles)),
            log_dir=log_dir,
            metadata=dict(metadata),
            **dict(args),
        )


def safe_model(model: str, model_args: Mapping[str, Any]) -> Any:
    """The model under test built with its arguments, with what inspect logs of them redacted."""
    from harness.results._log_redaction import log_safe_model

    prepare_inspect()  # building a model starts inspect's hooks, banner and all
    return log_safe_model(model, model_args)


def inspect_roles(model_roles: Mapping[str, Any]) -> dict[str, Any] | None:
    """Roles as inspect takes them: a model string, or a model built with its arguments (a seated simulator)."""
    from inspect_ai.model import get_model

    prepare_inspect()

    roles: dict[str, Any] = {}
    for role, spec in model_roles.items():
        if isinstance(spec, Mapping):
            roles[role] = get_model(str(spec["model"]), role=role, **dict(spec.get("model_args") or {}))
        else:
            roles[role] = spec
    return roles or None


def call_eval_set(tasks: Sequence[Any], *, log_dir: str, args: Mapping[str, Any]) -> Any:
    """inspect's `eval_set` of `tasks` (each carrying its own model and roles).

    Raises:
        HarnessError: inspect could not start the set.
        KeyboardInterrupt: Ctrl-C.
    """
    from inspect_ai import eval_set

    prepare_inspect()
    with _results_panel_hidden(_hide_results_panel):
        return _guarded(eval_set, list(tasks), log_dir=log_dir, **dict(args))


@contextmanager
def _results_panel_hidden(hidden: bool) -> Iterator[None]:
    """While the block runs, inspect's displays render an empty results panel (private inspect names)."""
    if not hidden:
        yield
        return
    from rich.text import Text

    patched = []
    for module in _displays():
        if hasattr(module, "tasks_results"):
            patched.append((module, module.tasks_results))
            module.tasks_results = lambda tasks: Text("")
    try:
        yield
    finally:
        for module, original in patched:
            module.tasks_results = original


def _guarded(function: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return function(*args, **kwargs)
    except HarnessError:
        raise
    except Exception as ex:  # inspect raises for bad model names, missing providers, keys...
        raise HarnessError(f"inspect could not run the evaluation: {type(ex).__name__}: {plain(str(ex))}") from ex


def plain(message: str) -> str:
    """inspect's messages carry rich console markup (`[bold]KEY[/bold]`); a one-line error shows none."""
    from rich.errors import MarkupError
    from rich.text import Text

    try:
        return " ".join(Text.from_markup(message).plain.split())
    except MarkupError:
        return " ".join(message.split())


def _displays() -> list[Any]:
    """inspect's displays that print a results panel at the end of a run (each imports `tasks_results`)."""
    try:  # private inspect modules: with another layout, inspect's panel simply stays
        from inspect_ai._display.plain import display as plain
        from inspect_ai._display.rich import display as rich
        from inspect_ai._display.textual import display as textual
    except ImportError:
        return []
    return [plain, rich, textual]
