"""Two runs of one setting compared instance by instance, with the methods of `harness compare`.

On the instances both runs have: the difference of mean outcomes with a paired percentile-bootstrap
95% CI (resampling instances, 10,000 draws, seed 0), and the exact McNemar test (a binomial test on
the discordant pairs) for 0/1 outcomes, else the exact sign test. Better/worse when p < alpha and
the CI excludes 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._runs import Run

DRAWS = 10_000


@dataclass(frozen=True)
class Paired:
    """NEW against BASE on their common instances."""

    setting: str
    base: str
    new: str
    n: int
    base_mean: float
    new_mean: float
    difference: float
    ci95: tuple[float, float]
    p_value: float
    test: str
    verdict: str


def compare(base: Run, new: Run, alpha: float = 0.05, seed: int = 0) -> Paired | None:
    """The paired comparison on common instances, or None when they share fewer than 2."""
    import numpy as np
    from scipy.stats import binomtest

    ids = sorted(set(base.outcomes) & set(new.outcomes))
    if len(ids) < 2:
        return None
    a = np.array([base.outcomes[i] for i in ids])
    b = np.array([new.outcomes[i] for i in ids])
    picks = np.random.default_rng(seed).integers(0, len(ids), size=(DRAWS, len(ids)))
    low, high = (float(x) for x in np.percentile((b[picks] - a[picks]).mean(axis=1), [2.5, 97.5]))
    if set(np.unique(np.concatenate([a, b]))) <= {0.0, 1.0}:
        up, down = int(((a == 0) & (b == 1)).sum()), int(((a == 1) & (b == 0)).sum())
        test = f"exact McNemar ({up} gained, {down} lost)"
    else:
        up, down = int((b > a).sum()), int((b < a).sum())
        test = f"exact sign test ({up} up, {down} down)"
    p_value = float(binomtest(up, up + down, 0.5).pvalue) if up + down else 1.0
    difference = float(b.mean() - a.mean())
    significant = p_value < alpha and not (low <= 0 <= high)
    verdict = "no significant difference" if not significant else ("better" if difference > 0 else "worse")
    return Paired(
        new.setting,
        _name(base),
        _name(new),
        len(ids),
        float(a.mean()),
        float(b.mean()),
        difference,
        (low, high),
        p_value,
        test,
        verdict,
    )


def _name(run: Run) -> str:
    return f"{run.label} (published)" if run.published else run.label
