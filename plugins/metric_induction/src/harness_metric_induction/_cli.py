"""`harness induce autometrics|autolibra KEY=VALUE...`: induce a metric set and write it as a scorer file."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

from harness import HarnessError

_AUTOMETRICS_KEYS: dict[str, tuple[Callable[[str], Any], Any, str]] = {
    "data": (str, None, "CSV of rated outputs (required)"),
    "task": (str, None, "one-sentence description of the task (required; drives metric retrieval)"),
    "out": (str, None, "metric set file to write, e.g. scorers/simplification.yaml (required)"),
    "name": (str, None, "name of the metric set (default: the out file's stem)"),
    "judge.model": (str, None, "model that proposes and applies criteria (default: none = bank only)"),
    "criteria": (int, 3, "LLM criteria to generate"),
    "method": (str, "pls", "regression: pls, lasso or ridge"),
    "top_k": (int, 5, "metrics kept in the composite"),
    "retrieve_k": (int, 8, "bank metrics retrieved for the task"),
    "max_rows": (int, 0, "use at most this many rows (0 = all; LLM cost grows with rows x criteria)"),
    "seed": (int, 0, "seed of the 80/20 split"),
    "output_column": (str, "simple", "CSV column with the output"),
    "source_column": (str, "original", "CSV column with the source/input"),
    "references_column": (str, "references", "CSV column with reference(s)"),
    "score_column": (str, "score", "CSV column with the human score"),
    "group_column": (str, "id", "CSV column grouping rows that must stay on one side of the split"),
}

_AUTOLIBRA_KEYS: dict[str, tuple[Callable[[str], Any], Any, str]] = {
    "trajectories": (str, None, "JSONL of {id, steps, feedback}, or an inspect log (required)"),
    "feedback": (str, None, "JSONL of {sample_id, feedback}, when trajectories is an inspect log"),
    "out": (str, None, "metric set file to write (required)"),
    "name": (str, None, "name of the metric set (default: the out file's stem)"),
    "model": (str, None, "model for grounding, induction and judging (default: the default inspect model)"),
    "metrics": (int, 4, "metrics to induce per iteration"),
    "clustering": (str, "llm", "llm (the paper) or embeddings (agglomerative clustering, TF-IDF vectors)"),
    "embedder": (str, "tfidf", "vectors for clustering=embeddings: tfidf, or minilm (needs the embeddings extra)"),
    "matching": (str, "similarity", "aspect-to-metric matching for coverage: similarity (TF-IDF) or llm"),
    "iterations": (int, 3, "re-induce on uncovered aspects at most this often"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `harness induce` (registered as a harness command)."""
    parser = argparse.ArgumentParser(
        prog="harness induce", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    methods = parser.add_subparsers(dest="method_name", metavar="METHOD", required=True)
    for name, keys, handler in (
        ("autometrics", _AUTOMETRICS_KEYS, _autometrics),
        ("autolibra", _AUTOLIBRA_KEYS, _autolibra),
    ):
        sub = methods.add_parser(
            name,
            help=f"induce metrics with {name}",
            epilog=_keys_help(keys),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("settings", nargs="*", metavar="KEY=VALUE")
        sub.set_defaults(handler=handler, keys=keys)
    args = parser.parse_args(argv)
    try:
        settings = _settings(args.settings, args.keys)
        return args.handler(settings)
    except HarnessError as ex:
        print(f"harness induce: error: {ex}", file=sys.stderr)
        return ex.exit_code


def _keys_help(keys: dict[str, tuple[Callable[[str], Any], Any, str]]) -> str:
    return "keys:\n" + "\n".join(
        f"  {k:<18} {h}" + (f" (default {d})" if d not in (None, 0) else "") for k, (_, d, h) in keys.items()
    )


def _settings(tokens: list[str], keys: dict[str, tuple[Callable[[str], Any], Any, str]]) -> dict[str, Any]:
    from difflib import get_close_matches

    values = {k: default for k, (_, default, _) in keys.items()}
    for token in tokens:
        key, sep, raw = token.partition("=")
        if not sep:
            raise HarnessError(f"'{token}' is not KEY=VALUE")
        if key not in keys:
            close = get_close_matches(key, keys, n=1)
            raise HarnessError(f"unknown key '{key}'" + (f"; did you mean '{close[0]}'?" if close else ""))
        try:
            values[key] = keys[key][0](raw)
        except ValueError as ex:
            raise HarnessError(f"{key}: {ex}") from ex
    missing = [k for k, (_, _, h) in keys.items() if "(required" in h and values[k] is None]
    if missing:
        raise HarnessError(f"missing {', '.join(missing)} (KEY=VALUE)")
    values["name"] = values.get("name") or Path(values["out"]).stem
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
    if s["judge.model"] is None:
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
            scale=(1, 5),
            metrics=[],
            provenance=provenance(s["data"], "none (bank only)"),
            description=f"AutoMetrics bank-only composite for: {s['task']}",
            intercept=composite.intercept,
            terms=terms,
        )
        agreement = {"composite": result.composite_agreement, **result.single_agreement}
        train_rows, test_rows = result.train_rows, result.test_rows
    else:
        from ._client import StructuredClient
        from ._criteria import induce_autometrics

        client = StructuredClient(s["judge.model"])
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
    if s["clustering"] not in ("llm", "embeddings"):
        raise HarnessError("clustering must be llm or embeddings")
    if s["embedder"] not in ("tfidf", "minilm"):
        raise HarnessError("embedder must be tfidf or minilm")
    if s["matching"] not in ("similarity", "llm"):
        raise HarnessError("matching must be similarity or llm")
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
