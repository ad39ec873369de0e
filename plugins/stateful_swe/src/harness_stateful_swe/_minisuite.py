"""The shipped small repositories and their issues (packed into `data/minisuite.json`)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from harness import ConfigError

from ._data import data_path

DOT_PREFIX = "dot-"
"""Source files named `dot-X` are `.X` in the repository (package data tools skip hidden files)."""


class Edit(BaseModel):
    """An exact replacement in one file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    path: str
    old: str
    new: str


class Regression(BaseModel):
    """A test that pins the fix, added to an existing test module."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    module: str
    name: str
    docstring: str
    body: list[str] = Field(min_length=1)


class Issue(BaseModel):
    """One issue on one shipped repository."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    repo: str
    title: str
    statement: str
    details: str
    root_cause: str
    change: str
    changelog: str
    gold: list[Edit] = Field(min_length=1)
    regression: Regression
    hidden: str

    @property
    def hidden_test_path(self) -> str:
        """Where the deciding tests go when the session is scored (a name no agent would pick)."""
        return f"tests/test_zz_resolved_{self.id.replace('-', '_')}.py"


class Minisuite(BaseModel):
    """Repositories (path -> text, by name) and their issues."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    repos: dict[str, dict[str, str]]
    issues: list[Issue]

    def issue(self, key: str) -> Issue:
        for issue in self.issues:
            if issue.id == key:
                return issue
        raise ConfigError(f"unknown issue {key!r}; known: {', '.join(i.id for i in self.issues)}")


def pack(source: Path) -> dict[str, Any]:
    """The packed form of a minisuite folder: each repository's files and `issues.yaml`, validated."""
    repos: dict[str, dict[str, str]] = {}
    for repo in sorted(p for p in source.iterdir() if p.is_dir()):
        files = {}
        for file in sorted(f for f in repo.rglob("*") if f.is_file() and "__pycache__" not in f.parts):
            relative = file.relative_to(repo).as_posix()
            parts = relative.split("/")
            parts[-1] = "." + parts[-1][len(DOT_PREFIX) :] if parts[-1].startswith(DOT_PREFIX) else parts[-1]
            files["/".join(parts)] = file.read_text(encoding="utf-8")
        repos[repo.name] = files
    issues = yaml.safe_load((source / "issues.yaml").read_text(encoding="utf-8"))["issues"]
    suite = Minisuite(repos=repos, issues=issues)
    for issue in suite.issues:
        if issue.repo not in suite.repos:
            raise ConfigError(f"issue {issue.id}: unknown repository {issue.repo!r}")
    return suite.model_dump()


@cache
def load_minisuite() -> Minisuite:
    """The shipped repositories and issues."""
    return Minisuite.model_validate(json.loads(data_path("minisuite.json").read_text(encoding="utf-8")))


def apply_edits(files: dict[str, str], edits: list[Edit]) -> dict[str, str]:
    """The files after the edits; ConfigError when an edit's old text is not found exactly once."""
    result = dict(files)
    for edit in edits:
        text = result.get(edit.path, "")
        if text.count(edit.old) != 1:
            raise ConfigError(f"{edit.path}: the text to replace occurs {text.count(edit.old)} times, not once")
        result[edit.path] = text.replace(edit.old, edit.new)
    return result


def regression_source(issue: Issue, docstring: bool = True) -> str:
    """The regression test as a TestCase class to append to its module."""
    name = "".join(part.title() for part in issue.id.split("-"))
    lines = ["", "", f"class TestRegression{name}(unittest.TestCase):"]
    lines.append(f"    def {issue.regression.name}(self) -> None:")
    if docstring:
        lines.append(f'        """{issue.regression.docstring}"""')
    lines += [f"        {line}" for line in issue.regression.body]
    return "\n".join(lines) + "\n"
