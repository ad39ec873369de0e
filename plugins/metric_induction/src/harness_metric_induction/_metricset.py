"""Induced metric sets as YAML files in the repository's `scorers/` format, and reading them back."""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from harness import ConfigError

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["scorer", "name", "method", "metrics", "provenance"],
    # each LLM metric is rated on `scale`; a composite predicts the human score on its own `scale`
    "if": {"properties": {"metrics": {"minItems": 1}}},
    "then": {"required": ["scale"]},
    "properties": {
        "scorer": {"const": "induced_metrics"},
        "name": {"type": "string", "minLength": 1},
        "method": {"enum": ["autolibra", "autometrics"]},
        "description": {"type": "string"},
        "scale": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
        "metrics": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "definition"],
                "properties": {
                    "name": {"type": "string", "pattern": "^[a-z0-9_]+$"},
                    "definition": {"type": "string", "minLength": 1},
                    "good_examples": {"type": "array", "items": {"type": "string"}},
                    "bad_examples": {"type": "array", "items": {"type": "string"}},
                    "rubric": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
        },
        "composite": {
            "type": "object",
            "required": ["intercept", "terms"],
            "properties": {
                "intercept": {"type": "number"},
                "scale": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
                "target": {"type": "string"},
                "terms": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["metric", "kind", "weight", "mean", "scale"],
                        "properties": {
                            "metric": {"type": "string"},
                            "kind": {"enum": ["bank", "llm"]},
                            "weight": {"type": "number"},
                            "mean": {"type": "number"},
                            "scale": {"type": "number", "exclusiveMinimum": 0},
                        },
                    },
                },
            },
        },
        "provenance": {
            "type": "object",
            "required": ["data", "model", "date", "version"],
            "properties": {k: {"type": "string"} for k in ("data", "model", "date", "version")},
        },
    },
}


@dataclass
class InducedMetric:
    """One LLM-judge metric: what it means, with examples or a rubric."""

    name: str
    definition: str
    good_examples: list[str] = field(default_factory=list)
    bad_examples: list[str] = field(default_factory=list)
    rubric: dict[str, str] = field(default_factory=dict)


@dataclass
class CompositeTerm:
    """One term of a composite: weight × (value - mean) / scale."""

    metric: str
    kind: str
    weight: float
    mean: float
    scale: float


@dataclass
class MetricSet:
    """An induced metric set, as written to and read from YAML."""

    name: str
    method: str
    scale: tuple[int, int] | None
    """The rating scale of every LLM metric in `metrics` (None when there are none)."""
    metrics: list[InducedMetric]
    provenance: dict[str, str]
    description: str = ""
    intercept: float | None = None
    terms: list[CompositeTerm] = field(default_factory=list)
    composite_scale: tuple[float, float] | None = None
    """The range of the human scores in the data the composite was induced from (its values live on that scale)."""

    def score_keys(self) -> list[str]:
        """The keys of the scorer's per-sample value: each metric, plus `composite` when there is one."""
        return [m.name for m in self.metrics] + (["composite"] if self.terms else [])

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "scorer": "induced_metrics",
            "name": self.name,
            "method": self.method,
            "description": self.description,
            **({"scale": list(self.scale)} if self.scale is not None else {}),
            "metrics": [{k: v for k, v in asdict(m).items() if v} for m in self.metrics],
            "provenance": self.provenance,
        }
        if self.terms:
            data["composite"] = {
                "target": "human score",
                **({"scale": [round(v, 4) for v in self.composite_scale]} if self.composite_scale else {}),
                "intercept": self.intercept,
                "terms": [asdict(t) for t in self.terms],
            }
        return data


def provenance(data: str, model: str) -> dict[str, str]:
    """Where a metric set came from: data, model, date and the inducing package's version."""
    try:
        version = metadata.version("plugeval-metric-induction")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return {
        "data": data,
        "model": model,
        "date": _dt.date.today().isoformat(),
        "version": f"plugeval-metric-induction {version}",
    }


def save_metric_set(metric_set: MetricSet, path: str | Path) -> Path:
    """Write the metric set as YAML (validated first)."""
    import jsonschema

    data = metric_set.to_dict()
    jsonschema.validate(data, SCHEMA)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    return path


def load_metric_set(path: str | Path) -> MetricSet:
    """Read and validate a metric set file; ConfigError names the file and the field at fault."""
    import jsonschema

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"metric set {path} not found")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        jsonschema.validate(data, SCHEMA)
    except jsonschema.ValidationError as ex:
        where = ".".join(str(p) for p in ex.absolute_path) or "(top)"
        raise ConfigError(f"{path}: {where}: {ex.message}") from ex
    composite = data.get("composite") or {}
    return MetricSet(
        name=data["name"],
        method=data["method"],
        scale=tuple(data["scale"]) if data.get("scale") else None,
        metrics=[InducedMetric(**m) for m in data["metrics"]],
        provenance=data["provenance"],
        description=data.get("description", ""),
        intercept=composite.get("intercept"),
        terms=[CompositeTerm(**t) for t in composite.get("terms", [])],
        composite_scale=tuple(composite["scale"]) if composite.get("scale") else None,
    )
