"""`harness induce autometrics|autolibra KEY=VALUE...`: induce a metric set and write it as a scorer file."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any, Sequence

from harness import ConfigError, HarnessError, parse_key_values


def _string(description: str, default: str | None = None) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "description": description} | (
        {"default": default} if default is not None else {}
    )


def _integer(description: str, default: int, minimum: int = 0) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "default": default, "description": description}


def _choice(description: str, options: list[str]) -> dict[str, Any]:
    return {"enum": options, "default": options[0], "description": description}


AUTOMETRICS_SETTINGS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["data", "task", "out"],
    "properties": {
        "data": _string("CSV of rated outputs"),
        "task": _string("one-sentence description of the task (drives metric retrieval)"),
        "out": _string("metric set file to write, e.g. scorers/simplification.yaml"),
        "name": _string("name of the metric set (default: the out file's stem)"),
        "judge": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"model": _string("model that proposes and applies criteria (default: none = bank only)")},
        },
        "criteria": _integer("LLM criteria to generate", 3, 1),
        "method": _choice("regression", ["pls", "lasso", "ridge"]),
        "top_k": _integer("metrics kept in the composite", 5, 1),
        "retrieve_k": _integer("bank metrics retrieved for the task", 8, 1),
        "max_rows": _integer("use at most this many rows (0 = all; LLM cost grows with rows x criteria)", 0),
        "seed": _integer("seed of the 80/20 split", 0),
        "output_column": _string("CSV column with the output", "simple"),
        "source_column": _string("CSV column with the source/input", "original"),
        "references_column": _string("CSV column with reference(s)", "references"),
        "score_column": _string("CSV column with the human score", "score"),
        "group_column": _string("CSV column grouping rows that must stay on one side of the split", "id"),
    },
}

AUTOLIBRA_SETTINGS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["trajectories", "out"],
    "properties": {
        "trajectories": _string("JSONL of {id, steps, feedback}, or an inspect log"),
        "feedback": _string("JSONL of {sample_id, feedback}, when trajectories is an inspect log"),
        "out": _string("metric set file to write"),
        "name": _string("name of the metric set (default: the out file's stem)"),
        "model": _string(
            "model for grounding, induction and judging (default: the grader role, else the default model)"
        ),
        "metrics": _integer("metrics to induce per iteration", 4, 1),
        "clustering": _choice("llm (the paper) or embeddings (agglomerative clustering)", ["llm", "embeddings"]),
        "embedder": _choice(
            "vectors for clustering=embeddings (minilm needs the embeddings extra)", ["tfidf", "minilm"]
        ),
        "matching": _choice("aspect-to-metric matching for coverage", ["similarity", "llm"]),
        "iterations": _integer("re-induce on uncovered aspects at most this often", 3, 1),
    },
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `harness induce` (registered as a harness command)."""
    parser = argparse.ArgumentParser(
        prog="harness induce", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    methods = parser.add_subparsers(dest="method_name", metavar="METHOD", required=True)
    for name, schema, handler in (
        ("autometrics", AUTOMETRICS_SETTINGS, _autometrics),
        ("autolibra", AUTOLIBRA_SETTINGS, _autolibra),
    ):
        sub = methods.add_parser(
            name,
            help=f"induce metrics with {name}",
            description=f"Induce a metric set with {name} and write it as a scorer file.",
            epilog=_keys_help(schema),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("settings", nargs="*", metavar="KEY=VALUE")
        sub.set_defaults(handler=handler, schema=schema)
    try:
        args = parser.parse_args(argv)
    except SystemExit as ex:  # --help, or a usage error argparse already printed
        return int(ex.code or 0)
    try:
        return args.handler(settings(args.settings, args.schema))
    except HarnessError as ex:
        print(f"harness induce: error: {ex}", file=sys.stderr)
        return ex.exit_code


def _keys_help(schema: dict[str, Any]) -> str:
    lines = ["keys:"]
    for key, prop in _flat(schema):
        required = " (required)" if key in schema.get("required", []) else ""
        default = f" (default {prop['default']})" if prop.get("default") not in (None, 0) else ""
        lines.append(f"  {key:<18} {prop.get('description', '')}{required}{default}")
    return "\n".join(lines)


def _flat(schema: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    items = []
    for key, prop in schema["properties"].items():
        if prop.get("type") == "object" and "properties" in prop:
            items += _flat(prop, f"{prefix}{key}.")
        else:
            items.append((prefix + key, prop))
    return items


def settings(tokens: list[str], schema: dict[str, Any]) -> dict[str, Any]:
    """KEY=VALUE settings typed and checked by `schema` (harness's own parser), defaults filled in."""
    values: dict[str, Any] = {k: p["default"] for k, p in schema["properties"].items() if "default" in p}
    values.update(parse_key_values(tokens, schema, example="out=scorers/x.yaml").values)
    missing = [k for k in schema.get("required", []) if k not in values]
    if missing:
        raise ConfigError(f"missing {', '.join(missing)} (KEY=VALUE); see `harness induce METHOD --help`")
    values["name"] = values.get("name") or Path(values["out"]).stem
    values.setdefault("judge", {})
    values.setdefault("feedback", None)
    values.setdefault("model", None)
    return values


def _progress():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=False,
        disable=not sys.stderr.isatty(),
    )


def _autometrics(s: dict[str, Any]) -> int:
    from ._autometrics import load_rows, run_bank_only
    from ._metricset import CompositeTerm, MetricSet, provenance, save_metric_set

    rows = load_rows(
        s["data"],
        output=s["output_column"],
        source=s["source_column"],
        references=s["references_column"],
        score=s["score_column"],
        group=s["group_column"],
    )
    if s["max_rows"]:
        rows = rows[: s["max_rows"]]
    if s["judge"].get("model") is None:
        result = run_bank_only(
            rows, s["task"], retrieve_k=s["retrieve_k"], top_k=s["top_k"], method=s["method"], seed=s["seed"]
        )
        composite = result.composite
        terms = [
            CompositeTerm(n, "bank", w, composite.means[n], composite.scales[n]) for n, w in composite.weights.items()
        ]
        metric_set = MetricSet(
            name=s["name"],
            method="autometrics",
            scale=None,  # no LLM metrics: only the composite, on the human scores' scale
            metrics=[],
            provenance=provenance(s["data"], "none (bank only)"),
            description=f"AutoMetrics bank-only composite for: {s['task']}",
            intercept=composite.intercept,
            terms=terms,
            composite_scale=(min(r.human for r in rows), max(r.human for r in rows)),
        )
        agreement = {"composite": result.composite_agreement, **result.single_agreement}
        train_rows, test_rows = result.train_rows, result.test_rows
    else:
        from ._client import StructuredClient
        from ._criteria import induce_autometrics

        client = StructuredClient(s["judge"]["model"])
        with _progress() as progress:
            bar = progress.add_task("criteria, judging, baseline", total=None)
            induced = asyncio.run(
                induce_autometrics(
                    rows,
                    s["task"],
                    client,
                    data_name=s["data"],
                    name=s["name"],
                    n_criteria=s["criteria"],
                    retrieve_k=s["retrieve_k"],
                    top_k=s["top_k"],
                    method=s["method"],
                    seed=s["seed"],
                    progress=lambda label, n: progress.advance(bar, n),
                )
            )
        metric_set, agreement = induced.metric_set, induced.agreement
        train_rows, test_rows = induced.train_rows, induced.test_rows
    path = save_metric_set(metric_set, s["out"])
    print(f"trained on {train_rows} rows, held out {test_rows}; wrote {path}")
    print(f"{'metric':<22}{'kendall tau':>12}  95% CI")
    for name, result_pair in sorted(agreement.items(), key=lambda kv: -kv[1]["kendall_tau"].value):
        tau = result_pair["kendall_tau"]
        print(f"{name:<22}{tau.value:>12.3f}  [{tau.ci95[0]:+.3f}, {tau.ci95[1]:+.3f}]  n={tau.n}")
    return 0


def _autolibra(s: dict[str, Any]) -> int:
    from ._autolibra import aspects_jsonl, induce_autolibra, load_trajectories
    from ._client import StructuredClient
    from ._metricset import save_metric_set

    trajectories = load_trajectories(s["trajectories"], s["feedback"])
    client = StructuredClient(s["model"])
    with _progress() as progress:
        bar = progress.add_task("grounding and rating", total=None)
        induced = asyncio.run(
            induce_autolibra(
                trajectories,
                client,
                data_name=s["trajectories"],
                name=s["name"],
                n_metrics=s["metrics"],
                clustering=s["clustering"],
                embedder=s["embedder"],
                matching=s["matching"],
                max_iterations=s["iterations"],
                progress=lambda label, n: progress.advance(bar, n),
            )
        )
    path = save_metric_set(induced.metric_set, s["out"])
    Path(path).with_suffix(".aspects.jsonl").write_text(aspects_jsonl(induced.aspects), encoding="utf-8")
    for i, m in enumerate(induced.history, start=1):
        print(
            f"iteration {i}: coverage {m.coverage:.3f} ({m.covered}/{m.aspects} aspects), "
            f"redundancy {m.redundancy:.3f} ({m.unmatched_traits}/{m.traits} traits)"
        )
    print(f"{len(induced.metric_set.metrics)} metrics from {len(induced.aspects)} aspects; wrote {path}")
    return 0
