"""Bank-only AutoMetrics on SimpEval (real human scores): held-out Kendall tau with a 95% CI.

Usage: python bench/autometrics_simpeval.py [--data plugins/metric_induction/examples/simpeval.csv] [--method pls]

Trains the composite on 80% of the source sentences (all their outputs) and reports Kendall tau
and Spearman rho with human scores on the other 20%, for the composite and for each retrieved
bank metric alone (the baselines). No LLM is used.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

TASK = (
    "Text simplification: rewrite a complex sentence so it is simpler and easier to read while "
    "preserving its meaning; compare with reference simplifications and the source sentence."
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_data = Path(__file__).resolve().parents[1] / "plugins" / "metric_induction" / "examples" / "simpeval.csv"
    parser.add_argument("--data", default=str(default_data))
    parser.add_argument("--method", default="pls", choices=["pls", "lasso", "ridge"])
    parser.add_argument("--top-k", type=int, default=5)
    parser.add_argument("--retrieve-k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from harness_metric_induction import load_rows, run_bank_only

    started = time.perf_counter()
    rows = load_rows(args.data)
    result = run_bank_only(rows, TASK, retrieve_k=args.retrieve_k, top_k=args.top_k, method=args.method, seed=args.seed)
    seconds = time.perf_counter() - started
    print(
        f"SimpEval: {len(rows)} rated outputs; train {result.train_rows}, held-out {result.test_rows} "
        f"(split by source sentence, seed {args.seed}); method {args.method}; {seconds:.1f}s"
    )
    print(f"retrieved for the task: {', '.join(result.retrieved)}")
    weights = ", ".join(f"{n} {w:+.3f}" for n, w in sorted(result.composite.weights.items(), key=lambda x: -abs(x[1])))
    print(f"composite = {result.composite.intercept:.2f} + z-scored [{weights}]")
    print(f"\n{'metric':<18}{'kendall tau':>12}  {'95% CI':<18}{'spearman':>9}  {'95% CI':<18}")
    rows_out = [("COMPOSITE", result.composite_agreement)] + sorted(
        result.single_agreement.items(), key=lambda item: -item[1]["kendall_tau"].value
    )
    for name, agreement in rows_out:
        tau, rho = agreement["kendall_tau"], agreement["spearman"]
        print(
            f"{name:<18}{tau.value:>12.3f}  [{tau.ci95[0]:+.3f}, {tau.ci95[1]:+.3f}]  {rho.value:>9.3f}  "
            f"[{rho.ci95[0]:+.3f}, {rho.ci95[1]:+.3f}]"
        )
    best_single = max(a["kendall_tau"].value for a in result.single_agreement.values())
    composite_tau = result.composite_agreement["kendall_tau"].value
    print(
        f"\ncomposite tau {composite_tau:.3f} vs best single metric {best_single:.3f}: "
        f"ratio {composite_tau / best_single:.2f}x"
        if best_single > 0
        else ""
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
