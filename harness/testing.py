"""Conformance checks for plugin distributions, and the pytest plugin that offers them.

Plugin authors run them in their own test suites::

    # tests/test_conformance.py
    import pytest
    from harness.testing import conformance_cases

    @pytest.mark.parametrize("case", conformance_cases("plugeval-my-plugin"), ids=str)
    def test_conformance(case):
        case.check()

For every entry point the distribution registers, a case checks that it loads, is the right kind,
builds with its defaults (or with `args` given for its required parameters), runs one sample on
`mockllm/model`, and documents its parameters. The pytest plugin (entry point `pytest11`) adds
the `harness_conformance` fixture, which runs all of a distribution's cases at once. Tests that
start `harness-docker` sandboxes call `require_docker()` first, and tests of the command line call
`run_harness(...)`: the real `harness` command in a process of its own, without paying for
inspect-ai's imports each time.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest

from harness.plugins._kinds import PluginKind
from harness.plugins._registry import PluginEntry, Registry


def require_docker() -> None:
    """Fail (with `CI` set) or skip (elsewhere) the calling test when no Docker engine answers; fail
    when the engine lacks `plugeval/base:bookworm`, naming the command that builds it."""
    from harness.sandbox._base_image import base_image_exists
    from harness.sandbox._engine import SandboxError

    try:
        present = base_image_exists()
    except SandboxError as ex:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide a Docker engine: {ex}")
        pytest.skip(f"no Docker engine: {ex}")
    if not present:
        pytest.fail("plugeval/base:bookworm is missing: run `harness sandbox base-image` (.ci/run does)")


def run_harness(
    *args: str,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float | None = 600,
) -> subprocess.CompletedProcess[str]:
    """Run the real `harness ARGS` command in a process of its own and capture its output.

    The same as `subprocess.run([sys.executable, "-m", "harness", *args], capture_output=True,
    text=True, env=env, cwd=cwd, timeout=timeout)` (`env` is the whole environment, by default this
    process's), about 2.5 CPU-seconds cheaper a call: the process is forked from a server that has
    imported harness and inspect-ai once (started on first use, one per test process), then runs
    the command with the given environment, directory and `PYTHONPATH`. Its exit code, output,
    signals and files are the command's own. On a timeout the command and every process it started
    are killed and `subprocess.TimeoutExpired` is raised. With `HARNESS_TESTING_FORKS=0`, or where
    the platform cannot fork, it is a plain subprocess.
    """
    from harness import _forked_cli

    environment = dict(os.environ if env is None else env)
    directory = os.path.abspath(cwd if cwd is not None else os.getcwd())
    if os.environ.get("HARNESS_TESTING_FORKS") == "0" or not _forked_cli.available():
        command = [sys.executable, "-m", "harness", *args]
        return subprocess.run(command, capture_output=True, text=True, env=environment, cwd=directory, timeout=timeout)
    return _forked_cli.run(list(args), environment, directory, timeout)


class ConformanceError(AssertionError):
    """A plugin does not meet the conformance contract; the message says which part and why."""


@dataclass(frozen=True)
class ConformanceCase:
    """The conformance check of one entry point."""

    entry: PluginEntry
    args: dict[str, Any] = field(default_factory=dict)
    run_sample: bool = True

    def __str__(self) -> str:
        return f"{self.entry.kind.value}:{self.entry.name}"

    def check(self) -> None:
        """Run every part of the check; raises ConformanceError naming the first failure."""
        where = f"{self.entry.kind.value} '{self.entry.qualified_name}' ({self.entry.reference})"
        try:
            obj = self.entry.load()
        except Exception as ex:
            raise ConformanceError(f"{where} does not load: {ex}") from ex
        if self.entry.kind is PluginKind.HOOKS:
            return _check_hooks(obj, where)
        if not callable(obj):
            raise ConformanceError(f"{where} is not a factory (a callable)")
        _check_documented(obj, where, self.args)
        try:
            built = obj(**self.args)
        except Exception as ex:
            raise ConformanceError(
                f"{where} does not build with its defaults{_given(self.args)}: {type(ex).__name__}: {ex}"
            ) from ex
        try:
            _KIND_CHECKS[self.entry.kind](built, where, self.run_sample)
        except ConformanceError:
            raise
        except Exception as ex:
            raise ConformanceError(f"{where}: running one sample raised {type(ex).__name__}: {ex}") from ex


def conformance_cases(
    dist: str,
    args: dict[str, dict[str, Any]] | None = None,
    run_sample: bool = True,
    own_task_only: frozenset[str] | set[str] = frozenset(),
) -> list[ConformanceCase]:
    """One case per entry point of the installed distribution `dist`.

    Args:
        dist: Distribution name, e.g. `plugeval-my-plugin`.
        args: Arguments for factories with required parameters, by plugin name.
        run_sample: Also run one sample on mockllm/model (tasks, solvers, scorers, simulators).
        own_task_only: Names of solvers/scorers that only work inside their benchmark's own task
            (they need its metadata or sandbox); they are built and checked but not run on the
            generic one-sample task — the task's own case runs them.
    """
    entries = [e for e in Registry(disabled=frozenset()).entries(include_disabled=True) if _same(e.dist, dist)]
    if not entries:
        raise ConformanceError(f"distribution '{dist}' registers no harness entry points (is it installed?)")
    unknown = set(own_task_only) - {e.name for e in entries}
    if unknown:
        raise ConformanceError(f"own_task_only names no entry point of '{dist}': {', '.join(sorted(unknown))}")
    return [
        ConformanceCase(e, dict((args or {}).get(e.name, {})), run_sample and e.name not in own_task_only)
        for e in entries
    ]


def _same(a: str, b: str) -> bool:
    from harness.plugins._registry import normalized_name

    return normalized_name(a) == normalized_name(b)


def _given(args: dict[str, Any]) -> str:
    return f" and {', '.join(args)}" if args else ""


def _check_documented(factory: Callable[..., Any], where: str, given: dict[str, Any]) -> None:
    import inspect

    from harness.plugins._params import factory_params

    if not (inspect.getdoc(factory) or "").strip():
        raise ConformanceError(f"{where} has no docstring (its first line is the summary `harness list` shows)")
    for param in factory_params(factory):
        if not param.doc:
            raise ConformanceError(f"{where}: parameter '{param.name}' is not documented (add it under `Args:`)")
        if param.required and param.name not in given:
            raise ConformanceError(
                f"{where}: parameter '{param.name}' has no default; give one, or pass it in conformance_cases(args=...)"
            )


def _one_sample_task(**overrides: Any) -> Any:
    from inspect_ai import Task
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import includes

    return Task(
        dataset=[Sample(input="Say hello.", target="hello")], scorer=overrides.pop("scorer", includes()), **overrides
    )


def _eval_one(task: Any, where: str, **kwargs: Any) -> None:
    import tempfile

    from inspect_ai import eval as inspect_eval

    from harness.run._offline import install_offline_token_counting

    install_offline_token_counting()
    with tempfile.TemporaryDirectory(prefix="harness-conformance-") as log_dir:
        log = inspect_eval(task, model="mockllm/model", limit=1, display="none", log_dir=log_dir, **kwargs)[0]
        # read while the log exists: its samples are loaded from the file on demand
        errored = [s.error.message for s in (log.samples or []) if s.error]
    if log.status != "success":
        message = log.error.message if log.error else log.status
        raise ConformanceError(f"{where}: one sample on mockllm/model did not succeed: {message}")
    if errored:
        raise ConformanceError(f"{where}: the sample on mockllm/model errored: {errored[0]}")


def _check_task(built: Any, where: str, run_sample: bool) -> None:
    from inspect_ai import Task

    if not isinstance(built, Task):
        raise ConformanceError(f"{where} returned {type(built).__name__}, not an inspect_ai.Task")
    if run_sample:
        _eval_one(built, where)


def _check_solver(built: Any, where: str, run_sample: bool) -> None:
    if not callable(built):
        raise ConformanceError(f"{where} returned {type(built).__name__}, not a solver or agent")
    if run_sample:
        _eval_one(_one_sample_task(), where, solver=built)


def _check_scorer(built: Any, where: str, run_sample: bool) -> None:
    from inspect_ai._util.registry import registry_info  # private: re-check on inspect upgrades

    try:
        kind = registry_info(built).type
    except Exception:
        kind = None
    if not callable(built) or kind != "scorer":
        raise ConformanceError(f"{where} returned {type(built).__name__}, not an inspect scorer (use @scorer)")
    if run_sample:
        _eval_one(_one_sample_task(scorer=built), where)


def _check_simulator(built: Any, where: str, run_sample: bool) -> None:
    from harness.simulation._protocol import Simulator, SimulatorContext, SimulatorReply, Turn

    if not isinstance(built, Simulator):
        raise ConformanceError(f"{where} returned {type(built).__name__}, which lacks `name` or async `reply`")
    if run_sample and not getattr(built, "interactive", False):  # a person answers: nothing to run unattended
        from harness.run._offline import install_offline_token_counting

        install_offline_token_counting()
        context = SimulatorContext(hidden_info="The answer is 42.", sample_id="conformance")
        reply = asyncio.run(built.reply([Turn("agent", "What is the answer?")], context))
        if not isinstance(reply, SimulatorReply):
            raise ConformanceError(f"{where}: reply() returned {type(reply).__name__}, not a SimulatorReply")


def _check_hooks(obj: Any, where: str) -> None:
    import pluggy

    from harness import hookspecs

    manager = pluggy.PluginManager("harness")
    manager.add_hookspecs(hookspecs)
    try:
        manager.register(obj)
        manager.check_pending()
    except (ValueError, pluggy.PluginValidationError) as ex:
        raise ConformanceError(f"{where}: not a valid hook implementation: {ex}") from ex


_KIND_CHECKS = {
    PluginKind.TASK: _check_task,
    PluginKind.SOLVER: _check_solver,
    PluginKind.SCORER: _check_scorer,
    PluginKind.SIMULATOR: _check_simulator,
}


@pytest.fixture
def harness_conformance() -> Callable[..., None]:
    """Check every entry point of a distribution: `harness_conformance("plugeval-my-plugin")`."""

    def check(
        dist: str,
        args: dict[str, dict[str, Any]] | None = None,
        run_sample: bool = True,
        own_task_only: frozenset[str] | set[str] = frozenset(),
    ) -> None:
        failures = []
        for case in conformance_cases(dist, args, run_sample, own_task_only):
            try:
                case.check()
            except ConformanceError as ex:
                failures.append(str(ex))
        if failures:
            raise ConformanceError("\n".join(failures))

    return check
