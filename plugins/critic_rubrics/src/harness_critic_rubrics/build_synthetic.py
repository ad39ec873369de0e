"""Build the shipped synthetic traces: real inspect eval logs of the `critic_synthetic` task.

    python -m harness_critic_rubrics.build_synthetic OUT_DIR [--train 200] [--attempts 40] [--epochs 4]

writes two runs with inspect's own `eval` (mockllm as the nominal model; the scripted agent calls
no model):

- `OUT_DIR/train`: `--train` samples (ids t001...), one epoch, seed 0 — for `harness critic train`;
- `OUT_DIR/attempts`: `--attempts` other samples (ids a001...), `--epochs` epochs, seed 1, whose
  outcomes vary across attempts — for `harness critic rerank` and `stop`.

The repository ships the output of the defaults in plugins/critic_rubrics/examples/traces.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Sequence


def build(out: str | Path, train: int = 200, attempts: int = 40, epochs: int = 4) -> dict[str, Path]:
    """Run the two synthetic evals into `out`; returns the log file of each run."""
    from inspect_ai import eval as inspect_eval

    from harness import install_offline_token_counting

    from ._synthetic import critic_synthetic

    install_offline_token_counting()
    logs = {}
    for name, task, n_epochs in (
        ("train", critic_synthetic(samples=train, seed=0, id_prefix="t"), 1),
        ("attempts", critic_synthetic(samples=attempts, seed=1, id_prefix="a"), epochs),
    ):
        folder = Path(out) / name
        (log,) = inspect_eval(
            task,
            model="mockllm/model",
            epochs=n_epochs,
            log_dir=str(folder),
            display="none",
            log_format="eval",
            score_display=False,
        )
        if log.status != "success":
            raise RuntimeError(f"the synthetic {name} run ended {log.status}: {log.error}")
        stable = folder / f"critic-synthetic-{name}.eval"  # a fixed name: rebuilding replaces the file
        Path(log.location).replace(stable)
        logs[name] = stable
    return logs


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (`python -m harness_critic_rubrics.build_synthetic`)."""
    parser = argparse.ArgumentParser(
        prog="python -m harness_critic_rubrics.build_synthetic",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("out", help="output directory (gets train/ and attempts/)")
    parser.add_argument("--train", type=int, default=200, help="samples of the training run (default 200)")
    parser.add_argument("--attempts", type=int, default=40, help="samples of the attempts run (default 40)")
    parser.add_argument("--epochs", type=int, default=4, help="epochs of the attempts run (default 4)")
    args = parser.parse_args(argv)
    for name, path in build(args.out, args.train, args.attempts, args.epochs).items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
