"""LLM-as-judge for one induced metric on one text (a response or an agent trajectory)."""

from __future__ import annotations

from ._client import StructuredClient
from ._metricset import InducedMetric

JUDGE_PROMPT = """\
You are evaluating the {subject} below on one metric.

Metric: {name}
Definition: {definition}
{examples}
<{subject}>
{text}
</{subject}>

Rate it on the scale {scale_text}. Give brief reasoning first."""


def _examples(metric: InducedMetric) -> str:
    parts = []
    if metric.good_examples:
        parts.append("Good behaviour looks like:\n" + "\n".join(f"- {e}" for e in metric.good_examples))
    if metric.bad_examples:
        parts.append("Bad behaviour looks like:\n" + "\n".join(f"- {e}" for e in metric.bad_examples))
    if metric.rubric:
        parts.append("Rubric:\n" + "\n".join(f"- {k}: {v}" for k, v in sorted(metric.rubric.items())))
    return ("\n".join(parts) + "\n") if parts else ""


def scale_text(scale: tuple[int, int]) -> str:
    if tuple(scale) == (-1, 1):
        return "+1 (good), 0 (not applicable: the metric does not come up), -1 (bad)"
    return f"{scale[0]} (worst) to {scale[1]} (best), integers"


async def judge(
    client: StructuredClient, metric: InducedMetric, text: str, scale: tuple[int, int], subject: str = "response"
) -> tuple[int, str]:
    """(rating, reasoning) of `text` on `metric`."""
    low, high = scale
    schema = {
        "type": "object",
        "required": ["reasoning", "rating"],
        "properties": {"reasoning": {"type": "string"}, "rating": {"type": "integer", "minimum": low, "maximum": high}},
    }
    prompt = JUDGE_PROMPT.format(
        subject=subject,
        name=metric.name,
        definition=metric.definition,
        examples=_examples(metric),
        text=text,
        scale_text=scale_text(scale),
    )
    reply = await client.ask(prompt, schema)
    return int(reply["rating"]), str(reply["reasoning"])
