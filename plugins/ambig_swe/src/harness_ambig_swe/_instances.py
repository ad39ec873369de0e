"""Ambig-SWE instances: the published columns, validated, from JSONL/JSON/CSV or a Hugging Face id."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from harness import ConfigError

MINISUITE = "minisuite"
"""Dataset name of the shipped offline mini-suite."""
_COMPLETE_ITEM = re.compile(r'"((?:[^"\\]|\\.)*)"\s*[,\]]')


class Instance(BaseModel):
    """One Ambig-SWE instance (SWE-bench Verified + an underspecified summary)."""

    model_config = ConfigDict(extra="ignore")

    instance_id: str = Field(min_length=1)
    repo: str = Field(min_length=1)
    base_commit: str = Field(min_length=1)
    problem_statement: str = Field(min_length=1, description="The underspecified summary the agent sees.")
    original_issue: str = Field(min_length=1, description="The full issue, held by the simulated user.")
    hints_text: str = ""
    patch: str = ""
    test_patch: str = Field(min_length=1)
    FAIL_TO_PASS: list[str] = Field(min_length=1)
    PASS_TO_PASS: list[str] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)
    version: str | None = None
    environment_setup_commit: str | None = Field(
        default=None, description="Commit whose requirement files SWE-bench builds the environment from."
    )
    repo_files: dict[str, str] | None = Field(default=None, description="Base snapshot (mini-suite only).")
    truncated: list[str] = Field(default_factory=list, description="Test lists cut off in the source data.")

    @model_validator(mode="before")
    @classmethod
    def _recover_truncated_lists(cls, data: Any) -> Any:
        # The published file comes from a spreadsheet whose cells stop at 32,767 characters, so some
        # long PASS_TO_PASS lists end mid-string. Keep the complete items and say so.
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key in ("FAIL_TO_PASS", "PASS_TO_PASS"):
            value = data.get(key)
            if isinstance(value, str) and value.strip().startswith("[") and not value.strip().endswith("]"):
                data[key] = [json.loads(f'"{item}"') for item in _COMPLETE_ITEM.findall(value)]
                data["truncated"] = [*data.get("truncated", []), key]
        return data

    @field_validator("FAIL_TO_PASS", "PASS_TO_PASS", "files", mode="before")
    @classmethod
    def _json_list(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return []
            try:
                return json.loads(text)
            except ValueError:
                if text.startswith("["):
                    raise ValueError("is not a JSON list") from None
                return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
        return value

    @field_validator("version", "environment_setup_commit", mode="before")
    @classmethod
    def _optional_text(cls, value: Any) -> Any:
        return None if value is None or value == "" else str(value)

    @field_validator("hints_text", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return "" if value is None else value

    @property
    def hidden_sections(self) -> dict[str, str]:
        """The hidden information by kind: the full issue, the hints, the files to change."""
        sections = {"issue": self.original_issue}
        if self.hints_text.strip():
            sections["hints"] = self.hints_text
        if self.files:
            sections["files"] = "Files that need changes: " + ", ".join(self.files) + "."
        return sections

    @property
    def hidden_info(self) -> str:
        """What the simulated user holds: the full issue, the hints and the files to change."""
        parts = [f"Full issue:\n{self.original_issue}"]
        if self.hints_text.strip():
            parts.append(f"Hints:\n{self.hints_text}")
        if self.files:
            parts.append("Files that need changes: " + ", ".join(self.files))
        return "\n\n".join(parts)


@dataclass
class LoadedInstances:
    """Valid instances, and one message per row that failed validation."""

    instances: list[Instance]
    problems: list[str] = field(default_factory=list)


def load_instances(source: str, on_invalid: Literal["skip", "fail"] = "skip") -> LoadedInstances:
    """Read instances from `minisuite`, a .jsonl/.json/.csv path, or a Hugging Face dataset id.

    Rows that fail validation are reported by instance id (or row number); with on_invalid="fail"
    the first report becomes a ConfigError.
    """
    rows = _rows(source)
    loaded = LoadedInstances([])
    for number, row in rows:
        try:
            loaded.instances.append(Instance.model_validate(row))
        except ValidationError as ex:
            error = ex.errors()[0]
            where = row.get("instance_id") or f"row {number}"
            loaded.problems.append(f"{source}: {where}: {'.'.join(map(str, error['loc']))}: {error['msg']}")
    if loaded.problems and on_invalid == "fail":
        raise ConfigError(
            f"{loaded.problems[0]} ({len(loaded.problems)} invalid row(s); task.on_invalid=skip skips them)"
        )
    if not loaded.instances:
        raise ConfigError(
            f"{source}: no valid Ambig-SWE instances"
            + (f"; first problem: {loaded.problems[0]}" if loaded.problems else "")
        )
    return loaded


def _rows(source: str) -> list[tuple[int, dict[str, Any]]]:
    if source == MINISUITE:
        text = resources.files("harness_ambig_swe").joinpath("data/minisuite.jsonl").read_text()
        return _jsonl(text, source)
    path = Path(source)
    if path.suffix == ".jsonl":
        return _jsonl(_read(path), source)
    if path.suffix == ".json":
        data = json.loads(_read(path))
        if not isinstance(data, list):
            raise ConfigError(f"{source}: a .json dataset is a list of instance objects")
        return list(enumerate(data, start=1))
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            return list(enumerate(csv.DictReader(handle), start=1))
    if path.suffix or path.exists():
        raise ConfigError(f"{source}: Ambig-SWE data is .jsonl, .json or .csv (or a Hugging Face dataset id)")
    return _hugging_face(source)


def _read(path: Path) -> str:
    if not path.is_file():
        raise ConfigError(f"Ambig-SWE dataset {path} not found (task.dataset=PATH, or minisuite)")
    return path.read_text(encoding="utf-8")


def _jsonl(text: str, source: str) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as ex:
            row = {"__invalid__": str(ex)}
        rows.append((number, row if isinstance(row, dict) else {"__invalid__": "not an object"}))
    return rows


def _hugging_face(dataset_id: str) -> list[tuple[int, dict[str, Any]]]:
    from inspect_ai.dataset import Sample, hf_dataset

    try:
        import datasets  # noqa: F401  (hf_dataset needs it)
    except ImportError as ex:
        raise ConfigError(
            f"'{dataset_id}' is not a file; loading a Hugging Face dataset needs `pip install datasets`"
        ) from ex
    try:
        # each row rides in a Sample's metadata, so validation stays here, row by row
        loaded = hf_dataset(dataset_id, split="test", sample_fields=lambda row: Sample(input="", metadata=dict(row)))
    except Exception as ex:  # hub unreachable, unknown id...
        raise ConfigError(
            f"could not load Hugging Face dataset '{dataset_id}': {ex}; offline, pass a local .jsonl"
        ) from ex
    return [(number, dict(sample.metadata or {})) for number, sample in enumerate(loaded, start=1)]
