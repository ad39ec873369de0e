"""The critic as a YAML scorer file (`scorer: critic`): weights, rubric version, training summary. No pickles."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from harness import ConfigError

from ._model import LinearCritic, critic_from_dict, critic_to_dict
from ._rubric import Rubric, load_rubric


@dataclass(frozen=True)
class Critic:
    """A saved critic.

    Attributes:
        name: Its name.
        rubric: The rubric set it was trained on (name, version, source).
        annotator: How its features were annotated (`programmatic`, `llm`, `both`); scoring does the same.
        full: The model trained on every sample.
        folds: Cross-fitted fold models, each with the sample ids it never saw.
        training: The training summary (runs, outcome, auc, calibration, coefficients...).
        judge: Judge settings used in training (model, batch_size, max_tokens, retries).
        path: Where it was read from.
    """

    name: str
    rubric: dict[str, str]
    annotator: str
    full: LinearCritic
    folds: tuple[LinearCritic, ...]
    training: dict[str, Any]
    judge: dict[str, Any] = field(default_factory=dict)
    path: str = ""

    def model_for(self, sample_id: str) -> tuple[LinearCritic, int | None]:
        """The model that may score `sample_id`: the fold that held it out if it was trained on, else the full one."""
        for k, fold in enumerate(self.folds):
            if sample_id in fold.held_out:
                return fold, k + 1
        return self.full, None

    @property
    def trained_on(self) -> frozenset[str]:
        """Every sample id the critic was trained on."""
        return frozenset().union(*(f.held_out for f in self.folds)) if self.folds else frozenset()

    def load_rubric(self, override: str | None = None) -> Rubric:
        """The rubric to annotate with: `override`, else the one recorded; its version must be the critic's.

        Raises:
            ConfigError: Another version (or missing items): names the versions and the fix.
        """
        source = override or self.rubric.get("source", "")
        spec = source.removeprefix("shipped:") if source else self.rubric["name"]
        rubric = load_rubric(spec)
        if rubric.name != self.rubric["name"] or rubric.version != self.rubric["version"]:
            trained = f"{self.rubric['name']} {self.rubric['version']}"
            raise ConfigError(
                f"critic {self.path or self.name} was trained on rubric {trained}, "
                f"but {rubric.source} is {rubric.name} {rubric.version}: retrain it (`harness critic train ...`) "
                "or give the rubric it was trained on (rubric=FILE)"
            )
        missing = [n for n in self.full.weights if n not in rubric.names]
        if missing:
            raise ConfigError(f"critic {self.path}: items {', '.join(missing)} are not in {rubric.source}")
        return rubric


@cache
def critic_schema() -> dict[str, Any]:
    """JSON Schema of critic files."""
    text = resources.files(__package__).joinpath("schemas", "critic.schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def critic_document(critic: Critic) -> dict[str, Any]:
    """The critic as the YAML document's data."""
    document: dict[str, Any] = {
        "scorer": "critic",
        "name": critic.name,
        "rubric": dict(critic.rubric),
        "annotator": critic.annotator,
    }
    if critic.judge:
        document["judge"] = dict(critic.judge)
    document["model"] = critic_to_dict(critic.full)
    document["cross_fit"] = [critic_to_dict(f) for f in critic.folds]
    document["training"] = critic.training
    return document


def save_critic(critic: Critic, path: str | Path) -> Path:
    """Write a critic file (YAML)."""
    import yaml

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    header = "# A critic trained by `harness critic train` (plugeval-critic-rubrics). Use: scorer=THIS_FILE\n"
    body = yaml.safe_dump(_plain(critic_document(critic)), sort_keys=False, allow_unicode=True, width=120)
    out.write_text(header + body, encoding="utf-8")
    return out


def load_critic(path: str | Path) -> Critic:
    """Read and validate a critic file.

    Raises:
        ConfigError: Missing, not YAML, or not a critic file; one line naming the problem.
    """
    import jsonschema
    import yaml

    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"critic {path}: no such file; train one with `harness critic train ... out={path}`")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as ex:
        raise ConfigError(f"critic {path}: not valid YAML: {str(ex).splitlines()[0]}") from ex
    errors = list(jsonschema.Draft202012Validator(critic_schema()).iter_errors(data))
    if errors:
        first = min(errors, key=lambda e: len(list(e.absolute_path)))
        where = ".".join(str(p) for p in first.absolute_path) or "top level"
        raise ConfigError(f"critic {path}: not a critic file ({where}: {first.message})")
    return Critic(
        name=data["name"],
        rubric={k: str(v) for k, v in data["rubric"].items()},
        annotator=data["annotator"],
        full=critic_from_dict(data["model"]),
        folds=tuple(critic_from_dict(f) for f in data["cross_fit"]),
        training=data["training"],
        judge=data.get("judge", {}),
        path=str(path),
    )


def _plain(value: Any) -> Any:
    """Tuples → lists, numpy scalars → Python numbers: what safe_dump writes."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value
