"""`induced_metrics`: score samples with an induced metric set (`harness eval ... scorer=FILE.yaml`)."""

from __future__ import annotations

from typing import Any

from inspect_ai.scorer import Score, Scorer, Target, mean, scorer, stderr
from inspect_ai.solver import TaskState

from ._bank import BANK
from ._client import StructuredClient
from ._judge import judge
from ._metricset import MetricSet, load_metric_set

MAX_TRANSCRIPT_CHARS = 20_000


def transcript_text(state: TaskState) -> str:
    """The sample's conversation as text (agent steps and tool results included), tail kept."""
    lines = []
    for message in state.messages:
        if message.role == "system":
            continue
        text = message.text
        calls = getattr(message, "tool_calls", None) or []
        text += "".join(f"\n[calls {c.function}({c.arguments})]" for c in calls)
        lines.append(f"{message.role.upper()}: {text}")
    if state.output and state.output.completion and not lines[-1:] == [f"ASSISTANT: {state.output.completion}"]:
        lines.append(f"FINAL OUTPUT: {state.output.completion}")
    return "\n\n".join(lines)[-MAX_TRANSCRIPT_CHARS:]


def induced_metrics(path: str, judge_model: str | None = None, retries: int = 2) -> Scorer:
    """Rate each sample on every metric of an induced metric set (and its composite, if any).

    Args:
        path: Metric set YAML written by `harness induce` (usually given as scorer=FILE.yaml).
        judge_model: Model of the judge (default: the run's `grader` role, `model_roles.grader=...`,
            else the model under test).
        retries: Retries of a malformed judge reply.
    """
    metric_set = load_metric_set(path)
    keys = metric_set.score_keys()

    @scorer(metrics={key: [mean(), stderr()] for key in keys}, name="induced_metrics")
    def build() -> Scorer:
        async def score(state: TaskState, target: Target) -> Score:
            client = StructuredClient(judge_model, retries=retries)
            subject = "agent trajectory" if metric_set.method == "autolibra" else "response"
            text = transcript_text(state) if subject == "agent trajectory" else state.output.completion
            values: dict[str, Any] = {}
            reasons = {}
            scale = metric_set.scale or (1, 5)  # the schema requires a scale whenever there are metrics
            for metric in metric_set.metrics:
                values[metric.name], reasons[metric.name] = await judge(client, metric, text, scale, subject)
            if metric_set.terms:
                values["composite"] = _composite(metric_set, values, state, target)
            return Score(value=values, metadata={"reasoning": reasons, "metric_set": metric_set.name})

        return score

    return build()


def _composite(metric_set: MetricSet, llm_values: dict[str, Any], state: TaskState, target: Target) -> float:
    total = float(metric_set.intercept or 0.0)
    for term in metric_set.terms:
        if term.kind == "llm":
            raw = float(llm_values[term.metric])
        else:
            raw = BANK[term.metric].compute(state.output.completion, [t for t in target.target if t], state.input_text)
        total += term.weight * (raw - term.mean) / term.scale
    return total
