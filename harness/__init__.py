"""plugeval: a plugin-based evaluation harness for LLMs and LLM agents, on inspect-ai.

The public API is what this module exports (plus the documented modules `harness.simulation`,
`harness.sandbox`, `harness.hookspecs` and `harness.testing`). Everything under a `_`-prefixed
name is private and may change. Heavy parts (inspect-ai) are imported only when used, so
`import harness` stays cheap.

A run flows one way: `load_run_config` (or `RunConfig(...)`) → `plan` (a frozen `RunPlan`) →
`execute` (inspect-ai) → a results record (`read_record`) and hooks (`hookimpl`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness._errors import (
    AmbiguousPluginError,
    ConfigError,
    HarnessError,
    InfraError,
    PluginLoadError,
    PluginNotFoundError,
    ResultsError,
)
from harness.hookspecs import hookimpl
from harness.plugins._kinds import PluginKind
from harness.plugins._registry import PluginEntry, Registry

if TYPE_CHECKING:
    from harness._cache import cache_dir
    from harness.config._key_values import KeyValues, parse_key_values
    from harness.config._run_config import RunConfig, default_model, load_run_config, parse_overrides
    from harness.declarative._task_file import load_yaml_task
    from harness.models._gguf_files import LocalModelError
    from harness.models._local_provider import load_local_model, local_model_lock
    from harness.results._record_file import read_record
    from harness.results._stats import Estimate, mean_estimate, wilson_interval
    from harness.run._execute import RunOutcome, execute, run_eval
    from harness.run._offline import install_offline_token_counting
    from harness.run._plan import PlannedComponent, RunPlan, plan
    from harness.run._sessions import UserMemory, user_memory
    from harness.run._set import EvalSetOutcome, execute_set
    from harness.sandbox._config import DockerSandboxConfig
    from harness.sandbox._engine import SandboxError
    from harness.simulation import (
        ConversationRecord,
        ConversationTurn,
        Simulator,
        SimulatorContext,
        SimulatorReply,
        Turn,
        ask_user,
        conversation_record,
        simulated_user,
    )

__all__ = [
    "AmbiguousPluginError",
    "ConfigError",
    "ConversationRecord",
    "ConversationTurn",
    "DockerSandboxConfig",
    "Estimate",
    "EvalSetOutcome",
    "HarnessError",
    "InfraError",
    "KeyValues",
    "LocalModelError",
    "PlannedComponent",
    "PluginEntry",
    "PluginKind",
    "PluginLoadError",
    "PluginNotFoundError",
    "Registry",
    "ResultsError",
    "RunConfig",
    "RunOutcome",
    "RunPlan",
    "SandboxError",
    "Simulator",
    "SimulatorContext",
    "SimulatorReply",
    "Turn",
    "UserMemory",
    "ask_user",
    "cache_dir",
    "conversation_record",
    "default_model",
    "execute",
    "execute_set",
    "hookimpl",
    "install_offline_token_counting",
    "load_local_model",
    "load_run_config",
    "load_yaml_task",
    "local_model_lock",
    "mean_estimate",
    "parse_key_values",
    "parse_overrides",
    "plan",
    "read_record",
    "run_eval",
    "simulated_user",
    "user_memory",
    "wilson_interval",
]

_LAZY = {
    "cache_dir": "harness._cache",
    "KeyValues": "harness.config._key_values",
    "parse_key_values": "harness.config._key_values",
    "RunConfig": "harness.config._run_config",
    "load_run_config": "harness.config._run_config",
    "default_model": "harness.config._run_config",
    "parse_overrides": "harness.config._run_config",
    "load_yaml_task": "harness.declarative._task_file",
    "LocalModelError": "harness.models._gguf_files",
    "load_local_model": "harness.models._local_provider",
    "local_model_lock": "harness.models._local_provider",
    "read_record": "harness.results._record_file",
    "Estimate": "harness.results._stats",
    "mean_estimate": "harness.results._stats",
    "wilson_interval": "harness.results._stats",
    "EvalSetOutcome": "harness.run._set",
    "RunOutcome": "harness.run._finish",
    "execute": "harness.run._execute",
    "execute_set": "harness.run._set",
    "run_eval": "harness.run._execute",
    "install_offline_token_counting": "harness.run._offline",
    "UserMemory": "harness.run._sessions",
    "user_memory": "harness.run._sessions",
    "PlannedComponent": "harness.run._plan",
    "RunPlan": "harness.run._plan",
    "plan": "harness.run._plan",
    "DockerSandboxConfig": "harness.sandbox._config",
    "SandboxError": "harness.sandbox._engine",
    "ConversationRecord": "harness.simulation",
    "ConversationTurn": "harness.simulation",
    "Simulator": "harness.simulation",
    "SimulatorContext": "harness.simulation",
    "SimulatorReply": "harness.simulation",
    "Turn": "harness.simulation",
    "ask_user": "harness.simulation",
    "conversation_record": "harness.simulation",
    "simulated_user": "harness.simulation",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'harness' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
