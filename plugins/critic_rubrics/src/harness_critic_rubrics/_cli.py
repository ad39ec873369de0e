"""`harness critic train|annotate|rerank|stop|curate|rubric KEY=VALUE...`: learn a critic from traces and use it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

from harness import HarnessError

from . import _settings as keys

_EXAMPLE = """\
example (the shipped synthetic traces):
  harness critic train runs=plugins/critic_rubrics/examples/traces/train outcome=synthetic_outcome \\
      out=scorers/critic-synthetic.yaml
  harness critic rerank runs=plugins/critic_rubrics/examples/traces/attempts \\
      critic=scorers/critic-synthetic.yaml outcome=synthetic_outcome out=rerank
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Learn a critic from agent traces and use it: train, annotate, rerank, stop early, curate."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as ex:  # --help, or a usage error argparse already printed
        return int(ex.code or 0)
    try:
        if args.handler is _rubric:
            return _rubric(args)
        return int(args.handler(keys.settings(args.settings, args.schema, args.command)))
    except HarnessError as ex:
        print(f"harness critic: error: {ex}", file=sys.stderr)
        return ex.exit_code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harness critic",
        description=__doc__,
        epilog=_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    table: list[tuple[str, str, dict[str, Any], Callable[[dict[str, Any]], int]]] = [
        ("train", "fit a critic: rubric features -> outcome; write it as a scorer file", keys.TRAIN, _train),
        ("annotate", "write the rubric annotation table (JSONL) of runs", keys.ANNOTATE, _annotate),
        ("rerank", "Random@k / Best@k / Oracle@k over attempts of the same samples", keys.RERANK, _rerank),
        ("stop", "early stopping: success and attempts saved over a threshold sweep", keys.STOP, _stop),
        ("curate", "export the top critic-scored trajectories as JSONL", keys.CURATE, _curate),
    ]
    for name, summary, schema, handler in table:
        sub = commands.add_parser(
            name,
            help=summary,
            description=summary[0].upper() + summary[1:] + ".",
            epilog=keys.keys_help(schema),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("settings", nargs="*", metavar="KEY=VALUE")
        sub.set_defaults(handler=handler, schema=schema)
    rubric = commands.add_parser(
        "rubric",
        help="validate and show a rubric set",
        description="Validate a rubric set (a shipped name or a YAML file) and list its items.",
    )
    rubric.add_argument("rubric", nargs="?", default=None, help="shipped name or file (default agent-behaviour)")
    rubric.set_defaults(handler=_rubric)
    return parser


def _note(text: str) -> None:
    print(text, file=sys.stderr)


def _ci(fig: dict[str, Any], fmt: str = ".3f") -> str:
    ci = fig.get("ci95")
    interval = f" [{ci[0]:{fmt}}, {ci[1]:{fmt}}]" if ci else " [no interval]"
    return f"{fig['value']:{fmt}}{interval} (n={fig['n']})"


def _train(s: dict[str, Any]) -> int:
    from ._annotate import write_table
    from ._critic_file import save_critic
    from ._pipeline import check_outcome_source, outcomes, read_and_annotate, read_samples, train_critic
    from ._rubric import load_rubric

    check_outcome_source(s)
    rubric = load_rubric(s["rubric"])  # a bad rubric or labels file stops here, before any judge call
    samples = read_samples(s)
    labels = outcomes(s, samples)
    annotated = read_and_annotate(s, rubric, samples=samples)
    if annotated.stats:
        _note(annotated.stats.summary())
    critic, training = train_critic(s, annotated, labels)
    out = Path(s.get("out") or f"scorers/critic-{annotated.rubric.name}.yaml")
    path = save_critic(critic, out)
    table = Path(s.get("annotations") or out.with_suffix(".annotations.jsonl"))
    write_table((a.row(o) for a, o in zip(annotated.annotations, labels, strict=True)), table)
    _print_training(training.summary)
    print(f"wrote {path} (use: scorer={path}) and the annotation table {table}")
    return 0


def _print_training(summary: dict[str, Any]) -> None:
    print(
        f"traces {summary['traces']} ({summary['labelled']} labelled, {summary['successes']} successes, "
        f"{summary['unlabelled']} unlabelled) from {summary['sample_ids']} sample ids; {summary['folds']} folds"
    )
    print(f"semi-supervised: {summary['semi_supervised']}")
    print(f"cross-validated AUC {_ci(summary['auc'])}")
    calibration = summary["calibration"]
    print(f"calibration (out of fold): Brier {calibration['brier']:.3f}, ECE {calibration['ece']:.3f}")
    for b in calibration["bins"]:
        print(
            f"  predicted {b['bin'][0]:.1f}-{b['bin'][1]:.1f}: mean {b['predicted']:.3f}, observed {b['observed']:.3f} "
            f"[{b['ci95'][0]:.3f}, {b['ci95'][1]:.3f}] (n={b['n']})"
        )
    print(f"  {'item':<26}coefficient (log-odds) [95% CI]")
    for name, fig in sorted(summary["coefficients"].items(), key=lambda kv: -abs(kv[1]["value"])):
        print(f"  {name:<26}{_ci(fig, '+.3f')}")
    if summary["dropped_items"]:
        print("left out: " + "; ".join(f"{k} ({v})" for k, v in summary["dropped_items"].items()))
    if not summary["coefficients"]:
        print("warning: no rubric item varies across these traces; the critic predicts the base rate (AUC 0.5)")


def _annotate(s: dict[str, Any]) -> int:
    from ._annotate import write_table
    from ._pipeline import read_and_annotate
    from ._runs import scorer_outcomes

    annotated = read_and_annotate(s)
    labels: list[Any] = [None] * len(annotated.samples)
    if s.get("outcome"):
        labels = scorer_outcomes(annotated.samples, s["outcome"], s["success"])
    path = write_table((a.row(o) for a, o in zip(annotated.annotations, labels, strict=True)), s["out"])
    if annotated.stats:
        print(annotated.stats.summary())
    present = {n: sum(a.items.get(n) == 1 for a in annotated.annotations) for n in annotated.rubric.names}
    missing = {n: sum(a.items.get(n) is None for a in annotated.annotations) for n in annotated.rubric.names}
    for name in annotated.rubric.names:
        print(f"  {name:<26}present {present[name]:>4}  missing {missing[name]:>4}")
    print(f"wrote {len(annotated.annotations)} rows to {path}")
    return 0


def _scored_attempts(s: dict[str, Any]) -> Any:
    from ._attempts import attempt_table
    from ._critic_file import load_critic
    from ._pipeline import score_runs
    from ._runs import scorer_outcomes

    critic = load_critic(s["critic"])
    annotated, scored = score_runs(s, critic)
    if annotated.stats:
        _note(annotated.stats.summary())
    table = attempt_table(scored, scorer_outcomes(annotated.samples, s["outcome"], s["success"]))
    if table.cross_fitted:
        _note(
            f"cross-fitted: {table.cross_fitted} of {len(table.sample_ids)} samples were in the critic's training "
            "data; each is scored only by the fold model that held it out"
        )
    if table.left_out:
        _note(f"left out {len(table.left_out)} sample(s) with fewer than 2 scored attempts")
    return table


def _rerank(s: dict[str, Any]) -> int:
    from ._charts import rerank_chart
    from ._rerank import rerank, rerank_table

    report = rerank(_scored_attempts(s), s["bootstrap"], s["seed"])
    report.update(critic=s["critic"], runs=list(s["runs"]), outcome=s["outcome"])
    out = Path(s["out"])
    out.mkdir(parents=True, exist_ok=True)
    (out / "rerank.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    chart = rerank_chart(report, out / "rerank.png")
    print(f"{report['samples']} samples x {report['attempts']} attempts; 95% CIs by bootstrap over samples")
    print(rerank_table(report))
    print(f"wrote {out / 'rerank.json'} and {chart}")
    return 0


def _stop(s: dict[str, Any]) -> int:
    from ._charts import stopping_chart
    from ._stopping import DEFAULT_THRESHOLDS, early_stopping, stopping_table

    thresholds = s.get("thresholds") or DEFAULT_THRESHOLDS
    report = early_stopping(_scored_attempts(s), thresholds, s["bootstrap"], s["seed"])
    report.update(critic=s["critic"], runs=list(s["runs"]), outcome=s["outcome"])
    out = Path(s["out"])
    out.mkdir(parents=True, exist_ok=True)
    (out / "stop.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    chart = stopping_chart(report, out / "stop.png")
    print(stopping_table(report))
    print(f"wrote {out / 'stop.json'} and {chart}")
    return 0


def _curate(s: dict[str, Any]) -> int:
    from ._critic_file import load_critic
    from ._curate import curate, select
    from ._pipeline import score_runs
    from ._runs import scorer_outcomes

    critic = load_critic(s["critic"])
    annotated, scored = score_runs(s, critic)
    labels: list[Any] = [None] * len(scored)
    if s.get("outcome"):
        labels = scorer_outcomes(annotated.samples, s["outcome"], s["success"])
    chosen = select(list(zip(scored, labels, strict=True)), s["top"], s["min_score"])
    path = curate(chosen, s["out"])
    fitted = sum(c[0].fold is not None for c in chosen)
    known = [o for _, o in chosen if o is not None]
    rate = f"; success among them {sum(known)}/{len(known)}" if known else ""
    print(f"wrote {len(chosen)} of {len(scored)} trajectories to {path} ({fitted} scored cross-fitted){rate}")
    return 0


def _rubric(args: argparse.Namespace) -> int:
    from ._rubric import load_rubric

    rubric = load_rubric(args.rubric)
    print(f"{rubric.name} {rubric.version} ({rubric.source}): {len(rubric.items)} items")
    for item in rubric.items:
        how = f"detector {item.detector}" if item.detector else "LLM judge"
        print(f"  {item.name:<26}{item.category:<16}{how}")
    return 0
