"""Run configuration: `key=value` overrides over an optional YAML file, validated by schema."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.config._coerce import coerce
from harness.config._key_values import parse_key_values, split_key_value
from harness.config._schemas import load_schema
from harness.config._validation import validate
from harness.config._yaml_reader import read_yaml_mapping

DEFAULT_MODEL = "local/smollm2-135m"
"""The model used when none is given: a real model run on the CPU, offline, no API key (plugeval[local])."""

MODEL_ENV = "HARNESS_MODEL"
"""Environment variable naming the model to use when a run gives none (overrides DEFAULT_MODEL)."""


def default_model() -> str:
    """The model a run uses when it names none: $HARNESS_MODEL, else DEFAULT_MODEL."""
    return os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def _component_args_keys() -> dict[str, str]:
    properties = load_schema("run.schema.json")["properties"]
    return {key: key.removesuffix("_args") for key in properties if key.endswith("_args") and key != "model_args"}


ARGS_KEYS = _component_args_keys()
"""`task_args` → `task`, ...: the config file's plugin-argument keys (from the run schema) and their component."""
_PLUGIN_PREFIXES = tuple(ARGS_KEYS.values())
_COMPONENT_KEYS = ("task", "model", "solver", "scorer", "simulator")


def run_schema() -> dict[str, Any]:
    """The JSON Schema of a run configuration (`harness/schemas/run.schema.json`)."""
    return load_schema("run.schema.json")


@dataclass(frozen=True)
class RunConfig:
    """A validated `harness eval` configuration.

    Attributes:
        task: Task plugin name or YAML task path.
        model: Inspect model string.
        solver: Optional solver plugin replacing the task's solver.
        scorer: Optional scorer plugin replacing the task's scorer.
        simulator: Optional simulator plugin.
        options: Run options (limit, epochs, seed, log_dir, generation settings...).
        args: Parameters per component, keyed by `task`, `solver`, `scorer`, `simulator`, `model`.
        raw_args: Plugin parameters given on the command line, still as text; they are typed
            against the plugin's own schema once the plugin is known (see `harness.plan`).
        model_roles: Other models by role (`grader`, `user`, ...).
    """

    task: str
    model: str = DEFAULT_MODEL
    solver: str | None = None
    scorer: str | None = None
    simulator: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    args: dict[str, dict[str, Any]] = field(default_factory=dict)
    raw_args: dict[str, dict[str, str]] = field(default_factory=dict)
    model_roles: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Every parameter of the run, as recorded in results."""
        return {
            "task": self.task,
            "model": self.model,
            "solver": self.solver,
            "scorer": self.scorer,
            "simulator": self.simulator,
            **self.options,
            **{f"{kind}_args": values for kind, values in self.args.items() if values},
            **({"model_roles": dict(self.model_roles)} if self.model_roles else {}),
        }


def parse_overrides(tokens: Sequence[str]) -> dict[str, str]:
    """Split `key=value` command-line tokens (the last of a repeated key wins).

    Raises:
        ConfigError: A token has no `=` or an empty key.
    """
    return dict(split_key_value(token, "task=arithmetic model=mockllm/model") for token in tokens)


def load_run_config(overrides: dict[str, str], config_file: str | Path | None = None) -> RunConfig:
    """Merge `key=value` overrides over an optional YAML file and validate the result.

    Plugin parameters (`task.X=...`) stay text until the plugin is known (see `harness.plan`).

    Raises:
        ConfigError: Unknown key, wrong type or missing task, naming the key and the fix.
    """
    schema = run_schema()
    data: dict[str, Any] = {}
    if config_file is not None:
        document = read_yaml_mapping(config_file, "run config")
        data = dict(document.data)
        validate(data, schema, where=document.where)
    tokens = [f"{key}={value}" for key, value in overrides.items()]
    parsed = parse_key_values(tokens, schema, deferred=_PLUGIN_PREFIXES, example="task=arithmetic limit=5")
    for key, value in parsed.values.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}  # model_args.KEY=... adds to the file's model_args
        else:
            data[key] = value
    validate(data, schema)
    args = {kind: dict(data.pop(f"{kind}_args", None) or {}) for kind in (*ARGS_KEYS.values(), "model")}
    roles = dict(data.pop("model_roles", None) or {})
    components = {key: data.pop(key) for key in _COMPONENT_KEYS if key in data}
    return RunConfig(
        task=components["task"],
        model=components.get("model") or default_model(),
        solver=components.get("solver"),
        scorer=components.get("scorer"),
        simulator=components.get("simulator"),
        options=data,
        args=args,
        raw_args=parsed.deferred,
        model_roles=roles,
    )


def typed_args(config: RunConfig, kind: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A component's parameters: file values, then command-line text typed by `schema`, validated.

    Raises:
        ConfigError: Unknown parameter or wrong type, named as `kind.PARAM`.
    """
    values = dict(config.args.get(kind, {}))
    properties = schema.get("properties", {})
    for name, raw in config.raw_args.get(kind, {}).items():
        values[name] = coerce(raw, properties.get(name, {}))
    validate(values, schema, prefix=f"{kind}.")
    return values

