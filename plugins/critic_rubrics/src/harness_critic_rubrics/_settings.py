"""KEY=VALUE settings of the `harness critic` commands: one JSON Schema per command, parsed by harness."""

from __future__ import annotations

from typing import Any

from harness import ConfigError, parse_key_values


def _string(description: str, default: str | None = None) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "description": description} | (
        {} if default is None else {"default": default}
    )


def _integer(description: str, default: int, minimum: int = 0) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "default": default, "description": description}


def _number(description: str, default: float | None, minimum: float = 0.0) -> dict[str, Any]:
    return {"type": "number", "minimum": minimum, "description": description} | (
        {} if default is None else {"default": default}
    )


_RUNS = {
    "type": "array",
    "items": {"type": "string"},
    "minItems": 1,
    "description": "inspect log directories or files, comma-separated",
}
_ANNOTATION = {
    "rubric": _string("rubric set: a shipped name or a YAML file", "agent-behaviour"),
    "annotator": {
        "enum": ["programmatic", "llm", "both"],
        "default": "programmatic",
        "description": "programmatic detectors, the LLM judge, or both (detectors where they exist)",
    },
    "grader": _string("judge model for llm/both (default: $HARNESS_MODEL, else local/smollm2-135m)"),
    "items": {"type": "array", "items": {"type": "string"}, "description": "only these rubric items (default: all)"},
    "batch_size": _integer("rubric items per judge prompt", 6, 1),
    "max_tokens": _integer("cap on judge reply tokens per prompt", 120, 1),
    "retries": _integer("re-asks of items a judge reply left unanswered, before marking them missing", 1),
    "max_connections": _integer("judge prompts in flight at once", 4, 1),
    "max_chars": _integer("characters of a trajectory shown to the judge (start and end kept)", 6000, 200),
    "limit": _integer("use only the first N samples of the runs (0 = all)", 0),
}
_OUTCOME = {
    "outcome": _string("scorer in the logs whose value is the outcome (SCORER or SCORER/KEY)"),
    "success": _number("a value at least this counts as success (C=1, P=0.5, I=0)", 0.5),
}
_USE = {
    "critic": _string("critic file written by `harness critic train`"),
    "rubric": _string("rubric file, when not the one the critic names"),
    "grader": _string("judge model, for a critic annotated by llm/both (default: the one it was trained with)"),
    "seed": _integer("bootstrap seed", 0),
    "bootstrap": _integer("bootstrap resamples over samples", 2000, 100),
}

TRAIN: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["runs"],
    "properties": {
        "runs": _RUNS,
        **_OUTCOME,
        "labels": _string("JSONL/CSV of sample_id, outcome[, epoch]: human labels, possibly for some samples only"),
        "out": _string("critic file to write (default scorers/critic-RUBRIC.yaml)"),
        "name": _string("critic name (default: the out file's stem)"),
        "annotations": _string("annotation table to write (default: beside out, .annotations.jsonl)"),
        **_ANNOTATION,
        "folds": _integer("cross-fitting folds over sample ids", 5, 2),
        "seed": _integer("fold and bootstrap seed", 0),
        "bootstrap": _integer("bootstrap resamples for the AUC interval", 1000, 100),
        "coef_bootstrap": _integer("bootstrap refits for the coefficient intervals (0 = none)", 200),
        "c": _number("inverse L2 strength of the logistic regression", 1.0, 1e-6),
        "semi_supervised": {
            "type": "boolean",
            "default": True,
            "description": "self-train on unlabelled traces (samples without an outcome)",
        },
    },
}
ANNOTATE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["runs", "out"],
    "properties": {"runs": _RUNS, "out": _string("annotation table to write (JSONL)"), **_ANNOTATION, **_OUTCOME},
}
RERANK: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["runs", "critic", "outcome"],
    "properties": {"runs": _RUNS, **_USE, **_OUTCOME, "out": _string("output directory", "critic-rerank")},
}
STOP: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["runs", "critic", "outcome"],
    "properties": {
        "runs": _RUNS,
        **_USE,
        **_OUTCOME,
        "out": _string("output directory", "critic-stop"),
        "thresholds": {
            "type": "array",
            "items": {"type": "number", "minimum": 0, "maximum": 1},
            "description": "critic thresholds to sweep (default 0.05,0.10,...,0.95)",
        },
    },
}
CURATE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["runs", "critic", "out"],
    "properties": {
        "runs": _RUNS,
        **_USE,
        "out": _string("JSONL file of the chosen trajectories"),
        "top": _number("a fraction (0.2 = best 20%) or a count (50) of trajectories", 0.2, 1e-9),
        "min_score": _number("never export a trajectory the critic scores below this", 0.0),
        "outcome": _string("scorer whose outcome to include (optional)"),
        "success": _OUTCOME["success"],
    },
}


def settings(tokens: list[str], schema: dict[str, Any], command: str) -> dict[str, Any]:
    """KEY=VALUE tokens typed and checked by `schema` (harness's parser), defaults filled in."""
    values: dict[str, Any] = {k: p["default"] for k, p in schema["properties"].items() if "default" in p}
    values.update(parse_key_values(tokens, schema, example="runs=logs/my-run").values)
    missing = [k for k in schema.get("required", []) if k not in values]
    if missing:
        raise ConfigError(f"missing {', '.join(missing)} (KEY=VALUE); see `harness critic {command} --help`")
    return values


def keys_help(schema: dict[str, Any]) -> str:
    """The keys of a command, for --help."""
    lines = ["keys:"]
    for key, prop in schema["properties"].items():
        required = " (required)" if key in schema.get("required", []) else ""
        default = f" (default {prop['default']})" if "default" in prop else ""
        lines.append(f"  {key:<16} {prop.get('description', '')}{required}{default}")
    return "\n".join(lines)
