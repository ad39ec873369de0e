"""plugeval: a plugin-based evaluation harness for LLMs and LLM agents, on inspect-ai.

The public API is what this module exports. Heavy parts (inspect-ai) are
imported only when used, so `import harness` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import (
    AmbiguousPluginError,
    ConfigError,
    HarnessError,
    PluginLoadError,
    PluginNotFoundError,
    ResultsError,
)
from ._kinds import PluginKind
from ._registry import PluginEntry, Registry
from .hookspecs import hookimpl

if TYPE_CHECKING:
    from ._config import RunConfig
    from ._run import RunOutcome
    from ._sandbox._config import DockerSandboxConfig
    from ._sandbox._engine import SandboxError
    from ._simulation._protocol import Simulator, SimulatorContext, SimulatorReply, Turn
    from ._simulation._tool import ask_user, simulated_user

__all__ = [
    "AmbiguousPluginError",
    "ConfigError",
    "DockerSandboxConfig",
    "HarnessError",
    "PluginEntry",
    "PluginKind",
    "PluginLoadError",
    "PluginNotFoundError",
    "Registry",
    "ResultsError",
    "RunConfig",
    "RunOutcome",
    "SandboxError",
    "Simulator",
    "SimulatorContext",
    "SimulatorReply",
    "Turn",
    "ask_user",
    "hookimpl",
    "load_local_model",
    "load_run_config",
    "load_yaml_task",
    "local_model_lock",
    "read_record",
    "run_eval",
    "simulated_user",
]

_LAZY = {
    "RunConfig": "._config",
    "load_run_config": "._config",
    "RunOutcome": "._run",
    "run_eval": "._run",
    "load_yaml_task": "._yaml_task",
    "load_local_model": "._local_model._provider",
    "local_model_lock": "._local_model._provider",
    "read_record": "._results",
    "DockerSandboxConfig": "._sandbox._config",
    "SandboxError": "._sandbox._engine",
    "Simulator": "._simulation._protocol",
    "SimulatorContext": "._simulation._protocol",
    "SimulatorReply": "._simulation._protocol",
    "Turn": "._simulation._protocol",
    "ask_user": "._simulation._tool",
    "simulated_user": "._simulation._tool",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'harness' has no attribute {name!r}")
