"""The LLM judge: the rubric YAML applied to one supporter turn by inspect's `grader` model role."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from harness import ConfigError

from ._moves import MOVES, Finding

GRADER_ROLE = "grader"
SHIPPED_RUBRIC = "shipped"


@dataclass(frozen=True)
class Rubric:
    """A parsed rubric: instructions, per-move definitions and examples, and the answer format."""

    name: str
    instructions: str
    moves: dict[str, dict[str, Any]]
    answer_format: str

    def prompt(self, seeker: str, supporter: str) -> str:
        """The judge's prompt for one supporter turn."""
        lines = [self.instructions.strip(), "", "The moves:"]
        for move in MOVES:
            spec = self.moves[move]
            lines.append(f"- {move}: {spec['definition']}")
            if spec.get("present"):
                lines.append(f"  for example: {' / '.join(spec['present'])}")
        lines += [
            "",
            f"The seeker said:\n<seeker>\n{seeker}\n</seeker>",
            "",
            f"The supporter replied:\n<supporter>\n{supporter}\n</supporter>",
            "",
        ]
        lines.append(self.answer_format.strip())
        return "\n".join(lines)


@cache
def load_rubric(source: str = SHIPPED_RUBRIC) -> Rubric:
    """The shipped rubric or a rubric YAML file; ConfigError naming the problem when it is not usable."""
    import yaml

    if source == SHIPPED_RUBRIC:
        text = resources.files("harness_lend_an_ear").joinpath("data/rubric.yaml").read_text("utf-8")
    else:
        path = Path(source)
        if not path.is_file():
            raise ConfigError(f"task.rubric: {path}: no such file (give 'shipped' or a rubric .yaml)")
        text = path.read_text("utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as ex:
        raise ConfigError(f"task.rubric {source}: not valid YAML: {ex}") from ex
    if not isinstance(data, dict) or not isinstance(data.get("moves"), dict):
        raise ConfigError(f"task.rubric {source}: needs a `moves` mapping with the six move ids")
    missing = [m for m in MOVES if not isinstance(data["moves"].get(m), dict) or not data["moves"][m].get("definition")]
    if missing:
        raise ConfigError(f"task.rubric {source}: no definition for move(s) {', '.join(missing)}")
    return Rubric(
        name=str(data.get("name", source)),
        instructions=str(data.get("instructions", "")),
        moves={m: dict(data["moves"][m]) for m in MOVES},
        answer_format=str(data.get("answer_format", "")),
    )


_LINE = re.compile(
    r"^\W*(?P<move>[a-z_]+)\W*\s*[:=-]\s*(?P<answer>yes|no)\b(?P<rest>.*)$", re.IGNORECASE | re.MULTILINE
)
_QUOTE = re.compile(r"[\"“]([^\"”]+)[\"”]")


def parse_judgement(text: str, supporter: str) -> dict[str, Finding]:
    """Each move's finding from the judge's answer; a move without a yes/no line is `present=None` (unanswered).

    Evidence is the quoted span; a quote that is not in the supporter's message is kept but marked
    with a leading `~` (the judge paraphrased).
    """
    found: dict[str, Finding] = {m: Finding(m, None, "", "llm") for m in MOVES}
    for match in _LINE.finditer(text or ""):
        move = match.group("move").lower()
        if move not in found or found[move].present is not None:
            continue
        present = match.group("answer").lower() == "yes"
        quote = _QUOTE.search(match.group("rest")) if present else None
        evidence = quote.group(1).strip() if quote else ""
        if evidence and evidence.lower() not in supporter.lower():
            evidence = "~" + evidence
        found[move] = Finding(move, present, evidence, "llm")
    return found


async def judge_turn(
    seeker: str, supporter: str, rubric: Rubric, max_tokens: int = 160
) -> tuple[dict[str, Finding], str]:
    """(findings, the judge's raw answer) for one supporter turn, from the `grader` role (else the model under test)."""
    from inspect_ai.model import GenerateConfig, get_model

    model = get_model(role=GRADER_ROLE)
    output = await model.generate(
        rubric.prompt(seeker, supporter), config=GenerateConfig(temperature=0.0, max_tokens=max_tokens)
    )
    return parse_judgement(output.completion, supporter), output.completion
