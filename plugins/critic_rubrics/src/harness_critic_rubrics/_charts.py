"""Charts (matplotlib, no display needed): rerank curves and the early-stopping sweep, as PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # files only; never a window
    import matplotlib.pyplot as plt

    return plt


def _band(ax: Any, x: list[float], figures: list[dict[str, Any]], label: str, style: str) -> None:
    values = [f["value"] for f in figures]
    low = [(f["ci95"] or [f["value"]] * 2)[0] for f in figures]
    high = [(f["ci95"] or [f["value"]] * 2)[1] for f in figures]
    (line,) = ax.plot(x, values, style, label=label)
    ax.fill_between(x, low, high, alpha=0.15, color=line.get_color())


def rerank_chart(report: dict[str, Any], path: Path) -> Path:
    """Random@k, Best@k and Oracle@k against k, with 95% CI bands."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    ks = [row["k"] for row in report["k"]]
    for name, label, style in (
        ("oracle", "Oracle@k", "g^-"),
        ("best", "Best@k (critic)", "bo-"),
        ("random", "Random@k", "k.--"),
    ):
        _band(ax, ks, [row[name] for row in report["k"]], label, style)
    ax.set(
        xlabel="k (attempts to choose from)",
        ylabel="success rate",
        xticks=ks,
        ylim=(0, 1.02),
        title=f"Best-of-k reranking, {report['samples']} samples x {report['attempts']} attempts",
    )
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def stopping_chart(report: dict[str, Any], path: Path) -> Path:
    """Success and attempts saved against the stopping threshold, with always-N for reference."""
    plt = _pyplot()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6, 6), sharex=True)
    x = [row["threshold"] for row in report["thresholds"]]
    _band(top, x, [row["success"] for row in report["thresholds"]], "early stopping", "bo-")
    always = report["always_n"]["success"]["value"]
    top.axhline(always, color="k", linestyle="--", label=f"always {report['attempts']} (critic's best)")
    top.set(ylabel="success rate", ylim=(0, 1.02), title="Early stopping at the first attempt scoring >= threshold")
    top.legend(loc="lower right")
    _band(bottom, x, [row["saved"] for row in report["thresholds"]], "attempts saved", "ms-")
    bottom.set(xlabel="critic threshold", ylabel="attempts saved vs always-N", ylim=(0, 1.02))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
