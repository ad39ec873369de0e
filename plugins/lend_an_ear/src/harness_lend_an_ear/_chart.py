"""The report's chart, as a hand-written SVG: move rates and alignment by condition, with 95% CI whiskers."""

from __future__ import annotations

from html import escape

from harness import Estimate

from ._moves import MOVES, TITLES

FELT = ("felt_heard", "felt_validated", "felt_understood")

_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#9c755f", "#edc948")
_W, _PANEL_H, _TOP, _LEFT = 900, 200, 40, 60


def chart_svg(by_condition: dict[str, dict[str, Estimate]], title: str = "Lend an Ear") -> str:
    """Three panels, one bar per condition with its 95% CI: each move's rate (0-1), alignment (-1 to 1) and
    the seeker's felt ratings (1-5)."""
    conditions = [c for c in by_condition if c != "all"] or ["all"]
    step = _PANEL_H + 70
    parts = [f'<text x="{_LEFT}" y="22" font-size="16" font-weight="bold">{escape(title)}</text>']
    parts += _panel(by_condition, conditions, list(MOVES), (0.0, 1.0), _TOP, "share of turns")
    parts += _panel(by_condition, conditions, ["alignment"], (-1.0, 1.0), _TOP + step, "alignment")
    parts += _panel(by_condition, conditions, list(FELT), (1.0, 5.0), _TOP + 2 * step, "rating 1-5")
    legend_y = _TOP + 3 * step
    for i, condition in enumerate(conditions):
        x = _LEFT + i * 200
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{_COLOURS[i % len(_COLOURS)]}"/>')
        parts.append(f'<text x="{x + 18}" y="{legend_y}" font-size="12">{escape(condition)}</text>')
    height = legend_y + 20
    body = "\n".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{height}" viewBox="0 0 {_W} {height}" '
        f'font-family="sans-serif" role="img" aria-label="{escape(title)}">\n{body}\n</svg>\n'
    )


def _panel(
    data: dict[str, dict[str, Estimate]],
    conditions: list[str],
    keys: list[str],
    span: tuple[float, float],
    top: int,
    label: str,
) -> list[str]:
    low, high = span
    width = _W - _LEFT - 20

    def y(v: float) -> float:
        return top + _PANEL_H * (high - max(low, min(high, v))) / (high - low)

    parts = [
        f'<text x="10" y="{top + _PANEL_H / 2}" font-size="11" '
        f'transform="rotate(-90 10 {top + _PANEL_H / 2})">{escape(label)}</text>'
    ]
    for tick in (low, (low + high) / 2, high):
        parts.append(f'<line x1="{_LEFT}" x2="{_LEFT + width}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{_LEFT - 6}" y="{y(tick) + 4:.1f}" font-size="10" text-anchor="end">{tick:g}</text>')
    group_w = width / len(keys)
    bar_w = min(40.0, group_w * 0.8 / len(conditions))
    for g, key in enumerate(keys):
        x0 = _LEFT + g * group_w + (group_w - bar_w * len(conditions)) / 2
        for i, condition in enumerate(conditions):
            e = data[condition][key]
            if e.value is None:
                continue
            x, base = x0 + i * bar_w, y(max(low, 0.0))
            top_y = min(base, y(e.value)) - (1.5 if abs(base - y(e.value)) < 1.5 else 0)
            parts.append(
                f'<rect x="{x:.1f}" y="{top_y:.1f}" width="{bar_w - 2:.1f}" '
                f'height="{max(1.5, abs(base - y(e.value))):.1f}" '
                f'fill="{_COLOURS[i % len(_COLOURS)]}"><title>{escape(condition)}: {e.value:.2f}</title></rect>'
            )
            if e.ci95:
                cx = x + (bar_w - 2) / 2
                parts.append(
                    f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(e.ci95[0]):.1f}" y2="{y(e.ci95[1]):.1f}" stroke="#222"/>'
                )
        cx = _LEFT + (g + 0.5) * group_w
        words = TITLES.get(key, key.replace("_", " ")).split(" ", 1)
        lines = "".join(f'<tspan x="{cx:.1f}" dy="{12 if i else 0}">{escape(w)}</tspan>' for i, w in enumerate(words))
        parts.append(f'<text x="{cx:.1f}" y="{top + _PANEL_H + 16}" font-size="11" text-anchor="middle">{lines}</text>')
    return parts
