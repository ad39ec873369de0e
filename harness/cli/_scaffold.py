"""`harness new plugin NAME [kind=...]`: a plugin package in the layout of the repository's plugins/."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from harness._errors import HarnessError

KINDS = ("task", "scorer", "solver", "simulator")

_PYPROJECT = """\
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "plugeval-{name}"
version = "0.1.0"
description = "A plugeval {kind} plugin: {name}"
readme = "README.md"
requires-python = ">=3.10"
license = "MIT"
dependencies = ["plugeval>=0.1.0"]

[project.optional-dependencies]
test = ["pytest>=8.0"]

[project.entry-points."harness.{kind}s"]
{name} = "{module}:{name}"

[tool.setuptools.packages.find]
where = ["src"]
"""

_COMPONENTS = {
    "task": '''\
"""{name}: a plugeval task plugin."""

from inspect_ai import Task, task
from inspect_ai.dataset import Sample
from inspect_ai.scorer import includes
from inspect_ai.solver import generate


@task
def {name}(samples: int = 3) -> Task:
    """Ask for the capital of a country; correct when the answer names it.

    Args:
        samples: Number of samples (at most 3).
    """
    pairs = [("France", "Paris"), ("Japan", "Tokyo"), ("Kenya", "Nairobi")][:samples]
    dataset = [Sample(input=f"What is the capital of {{country}}?", target=city) for country, city in pairs]
    return Task(dataset=dataset, solver=generate(), scorer=includes())
''',
    "scorer": '''\
"""{name}: a plugeval scorer plugin."""

from inspect_ai.scorer import CORRECT, INCORRECT, Score, Scorer, Target, accuracy, scorer, stderr
from inspect_ai.solver import TaskState


@scorer(metrics=[accuracy(), stderr()])
def {name}(ignore_case: bool = True) -> Scorer:
    """Correct when the output contains the target.

    Args:
        ignore_case: Compare without regard to case.
    """

    async def score(state: TaskState, target: Target) -> Score:
        output, wanted = state.output.completion, target.text
        if ignore_case:
            output, wanted = output.lower(), wanted.lower()
        return Score(value=CORRECT if wanted in output else INCORRECT, answer=state.output.completion)

    return score
''',
    "solver": '''\
"""{name}: a plugeval solver plugin."""

from inspect_ai.solver import Solver, chain, generate, solver, system_message


@solver
def {name}(instruction: str = "Answer in one short sentence.") -> Solver:
    """Add an instruction as a system message, then generate.

    Args:
        instruction: The system message.
    """
    return chain(system_message(instruction), generate())
''',
    "simulator": '''\
"""{name}: a plugeval simulator plugin."""

from harness import SimulatorContext, SimulatorReply, Turn


class Echo:
    """Answers with the first sentence of what the user knows."""

    def __init__(self, max_turns: int) -> None:
        self.name = "{name}"
        self.max_turns = max_turns

    async def reply(self, conversation: list[Turn], context: SimulatorContext) -> SimulatorReply:
        first = context.hidden_info.split(".")[0].strip()
        return SimulatorReply(f"{{first}}." if first else "I don't have that information.")


def {name}(max_turns: int = 3) -> Echo:
    """A simulated user who tells the first thing they know.

    Args:
        max_turns: Questions answered before the user only says to continue.
    """
    return Echo(max_turns)
''',
}

_TEST = '''\
"""Conformance: every entry point loads, builds, runs one sample on mockllm/model, is documented."""

import pytest

from harness.testing import conformance_cases


@pytest.mark.parametrize("case", conformance_cases("plugeval-{name}"), ids=str)
def test_conformance(case):
    case.check()
'''

_README = """\
# plugeval-{name}

A [plugeval](https://pypi.org/project/plugeval/) {kind} plugin.

```console
pip install plugeval-{name}
harness list {kind}s
harness info {name}
{usage}
```

## Develop

```console
pip install -e ".[test]"
pytest
python -m build && twine check dist/*
```

Publishing: `.github/workflows/publish.yml` publishes a GitHub release to PyPI with trusted
publishing (configure the project's trusted publisher on PyPI first; no token is stored).
"""

_USAGE = {
    "task": "harness eval task={name} model=mockllm/model",
    "scorer": "harness eval task=capitals scorer={name}",
    "solver": "harness eval task=capitals solver={name}",
    "simulator": "harness eval task=ambig_swe simulator={name}",
}

_PUBLISH = """\
name: publish

on:
  release:
    types: [published]

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Build and check
        run: |
          python -m pip install build twine
          python -m build
          twine check dist/*
      - uses: actions/upload-artifact@v4
        with:
          name: dist
          path: dist/

  publish:
    needs: build
    runs-on: ubuntu-latest
    environment: pypi
    permissions:
      id-token: write
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: dist
          path: dist/
      - uses: pypa/gh-action-pypi-publish@release/v1
"""

_LICENSE = """\
MIT License

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.
"""


def new_plugin(name: str, kind: str = "task", directory: str | Path = ".") -> Path:
    """Write `plugeval-NAME/` under `directory`; returns its path."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise HarnessError(
            f"plugin name '{name}' must be lowercase letters, digits and _ (a Python name), e.g. my_task"
        )
    if kind not in KINDS:
        raise HarnessError(f"kind must be one of {', '.join(KINDS)}, got '{kind}'")
    root = Path(directory) / f"plugeval-{name.replace('_', '-')}"
    if root.exists():
        raise HarnessError(f"{root} already exists")
    module = f"harness_{name}"
    dist = name.replace("_", "-")
    files = {
        "pyproject.toml": _PYPROJECT.format(name=dist, kind=kind, module=module).replace(
            f'{dist} = "{module}:{dist}"', f'{name} = "{module}:{name}"'
        ),
        f"src/{module}/__init__.py": _COMPONENTS[kind].format(name=name),
        "tests/test_conformance.py": _TEST.format(name=dist),
        "README.md": _README.format(name=dist, kind=kind, usage=_USAGE[kind].format(name=name)).replace(
            f"harness info {dist}", f"harness info {name}"
        ),
        ".github/workflows/publish.yml": _PUBLISH,
        "LICENSE": _LICENSE,
    }
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if relative.endswith(".py") else text)
    return root
