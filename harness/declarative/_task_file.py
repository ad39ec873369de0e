"""Declarative tasks: a YAML file naming a dataset, a prompt template, a target and a scorer."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

from harness.plugins._factory import build_component
from harness._errors import ConfigError, HarnessError
from harness.plugins._kinds import PluginKind
from harness.plugins._registry import Registry
from harness.config._schemas import load_schema
from harness.declarative._dataset_file import dataset_path, read_rows, stop_row
from harness.config._validation import validate
from harness.config._yaml_reader import YamlDocument, read_yaml_mapping

YAML_SUFFIXES = (".yaml", ".yml")


def task_schema() -> dict[str, Any]:
    """The JSON Schema of a YAML task file (`harness/schemas/task.schema.json`)."""
    return load_schema("task.schema.json")


def is_task_file(name: str) -> bool:
    return name.endswith(YAML_SUFFIXES)


def read_task_file(path: str | Path) -> YamlDocument:
    """Read and validate a YAML task file.

    Raises:
        ConfigError: Naming `file:line` and the field at fault.
    """
    document = read_yaml_mapping(path, "task file")
    validate(document.data, task_schema(), where=document.where)
    _check_template(document)
    return document


def load_yaml_task(path: str | Path, registry: Registry | None = None, limit: Any = None) -> Any:
    """Build an `inspect_ai.Task` from a YAML task file.

    Args:
        path: The task file.
        registry: Where its solver and scorer plugins are found (default: the environment's).
        limit: The run's inspect `limit` (N, or [start, stop]), when it has one and selects no
            samples by id: a local JSONL or CSV dataset is then read only as far as the run goes.
            The task's dataset holds those leading rows; inspect applies the limit to them as usual.
    """
    from inspect_ai import Task
    from inspect_ai.model import GenerateConfig
    from inspect_ai.solver import system_message

    document = read_task_file(path)
    spec = document.data
    registry = registry or Registry.from_environment()
    dataset = _dataset(document, limit)
    solver = _component(registry, PluginKind.SOLVER, spec.get("solver", "generate"), document)
    solvers = [system_message(spec["system_message"]), solver] if spec.get("system_message") else [solver]
    scorer = _component(registry, PluginKind.SCORER, spec.get("scorer", "match"), document)
    return Task(
        name=spec["name"],
        dataset=dataset,
        solver=solvers,
        scorer=scorer,
        config=GenerateConfig(**spec.get("generate", {})),
        version=spec.get("version", 0),
        metadata={"task_file": str(Path(path).resolve())},
    )


def _component(registry: Registry, kind: PluginKind, spec: str | dict[str, Any], document: YamlDocument) -> Any:
    name, args = (spec, {}) if isinstance(spec, str) else (spec["name"], spec.get("args", {}))
    try:
        return build_component(registry, kind, name, args, prefix=f"{kind.value}.args.")
    except HarnessError as ex:
        raise ConfigError(f"{document.where((kind.value,))}: {ex}") from ex


def _check_template(document: YamlDocument) -> None:
    try:
        fields = _fields(document.data["prompt"])
    except ValueError as ex:
        raise ConfigError(f"{document.where(('prompt',))}: prompt template is malformed: {ex}") from ex
    bad = [f for f in fields if not f.isidentifier()]
    if bad:
        raise ConfigError(
            f"{document.where(('prompt',))}: prompt field '{{{bad[0]}}}' is not a plain field name; "
            "write {field} for a value of the row, {{ and }} for literal braces"
        )


def _dataset(document: YamlDocument, limit: Any = None) -> Any:
    from inspect_ai.dataset import MemoryDataset

    spec = document.data["dataset"]
    if "hf" in spec:
        return _hf_dataset(document)
    path = dataset_path(document)
    stop = None if spec.get("shuffle") else stop_row(limit)  # a shuffle needs every row before the limit applies
    numbered = enumerate(read_rows(document, path, stop), start=1)
    samples = [_sample(document, number, row) for number, row in numbered]
    if not samples:
        raise ConfigError(f"{document.where(('dataset',))}: the dataset has no rows")
    dataset = MemoryDataset(samples, name=document.data["name"])
    if spec.get("shuffle"):
        dataset.shuffle(seed=0)
    return dataset


def _sample(document: YamlDocument, number: int, row: dict[str, Any]) -> Any:
    """One row as a Sample: the prompt template filled from the row, its target and metadata fields."""
    from inspect_ai.dataset import Sample

    spec = document.data["dataset"]
    prompt: str = document.data["prompt"]
    missing = [f for f in [*_fields(prompt), spec["target"]] if f not in row]
    if missing:
        raise ConfigError(
            f"{document.where(('dataset',))}: row {number} has no field '{missing[0]}' "
            f"(its fields: {', '.join(map(str, row))}); fix the row or the task's prompt/target"
        )
    return Sample(
        id=row[spec["id"]] if spec.get("id") and spec["id"] in row else number,
        input=prompt.format(**{k: "" if v is None else v for k, v in row.items()}),
        target=_target(row[spec["target"]]),
        metadata={k: row.get(k) for k in spec.get("metadata", [])},
    )


def _fields(template: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(template) if f]


def _target(value: Any) -> str | list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


def _hf_dataset(document: YamlDocument) -> Any:
    """A Hugging Face dataset through inspect's `hf_dataset` (its cache, revision pinning, offline mode)."""
    from inspect_ai.dataset import hf_dataset

    spec = document.data["dataset"]
    where = document.where(("dataset", "hf"))
    counter = iter(range(1, 1 << 62))
    try:
        return hf_dataset(
            spec["hf"],
            split=spec.get("split", "test"),
            name=spec.get("name"),
            revision=spec.get("revision"),
            sample_fields=lambda record: _sample(document, next(counter), dict(record)),
            shuffle=bool(spec.get("shuffle")),
            seed=0 if spec.get("shuffle") else None,
        )
    except ConfigError:
        raise
    except ImportError as ex:
        raise ConfigError(
            f"{where}: Hugging Face datasets need the 'datasets' package: pip install 'plugeval[hf]'"
        ) from ex
    except Exception as ex:  # network, auth, missing split...
        raise ConfigError(
            f"{where}: cannot load Hugging Face dataset '{spec['hf']}': {type(ex).__name__}: {ex}. "
            "Offline, set HF_DATASETS_OFFLINE=1 with the dataset in the local Hugging Face cache, or use dataset.path"
        ) from ex
