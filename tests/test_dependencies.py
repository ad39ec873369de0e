"""Every third-party module a distribution imports is declared in its pyproject (dependencies or an extra).

Modules imported at module level must be required dependencies; an import inside a function may
come from an extra (the feature's own install line names it). pytest plugins (`pytest11` entry
points) run only under pytest and may import it.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from conftest import REPO

PROJECTS = [REPO, *sorted(p for p in (REPO / "plugins").iterdir() if (p / "pyproject.toml").exists())]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(pyproject: dict) -> tuple[set[str], set[str]]:
    """(required, optional) distribution names."""

    def names(requirements: list[str]) -> set[str]:
        return {_norm(re.split(r"[\s<>=!~;\[(]", r, maxsplit=1)[0]) for r in requirements}

    project = pyproject["project"]
    optional = set()
    for requirements in (project.get("optional-dependencies") or {}).values():
        optional |= names(requirements)
    return names(project.get("dependencies", [])), optional


def _imports(sources: list[Path]) -> dict[str, bool]:
    """Top-level module → imported at module level (True) or only inside functions/try (False)."""
    found: dict[str, bool] = {}
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                head = module.split(".")[0]
                found[head] = found.get(head, False) or id(node) in top_level
    return found


def _sources(project: Path) -> tuple[str, list[Path]]:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    if project == REPO:
        return "harness", [p for p in (REPO / "harness").rglob("*.py")]
    package_root = project / "src"
    return pyproject["project"]["name"], [p for p in package_root.rglob("*.py")]


def _module_name(path: Path, project: Path) -> str:
    relative = path.relative_to(project / "src" if project != REPO else project).with_suffix("")
    return ".".join(relative.parts)


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_imports_are_declared(project: Path):
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    required, optional = _declared(pyproject)
    own, sources = _sources(project)
    assert sources
    own_modules = {p.relative_to(project / ("src" if project != REPO else "")).parts[0] for p in sources}
    pytest_plugins = set((pyproject["project"].get("entry-points") or {}).get("pytest11", {}).values())
    distributions = packages_distributions()
    missing = []
    imports = _imports([s for s in sources if _module_name(s, project) not in pytest_plugins])
    for module, at_top in sorted(imports.items()):
        if module in sys.stdlib_module_names or module in own_modules or module == "__future__":
            continue
        dists = {_norm(d) for d in distributions.get(module, [])} or {_norm(module)}
        if module == "harness":
            dists = {"plugeval"}
        if dists & required:
            continue
        if dists & optional and not at_top:
            continue  # an extra's import, done where the feature is used
        where = "required" if at_top else "required or an extra"
        missing.append(f"{module} (from {', '.join(sorted(dists))}; {where})")
    assert not missing, f"{pyproject['project']['name']}: undeclared imports: " + "; ".join(missing)
