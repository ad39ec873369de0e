"""The public API: what `harness` exports resolves and is documented; plugins and benches use nothing else."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from conftest import REPO

PUBLIC_MODULES = (
    "harness",
    "harness.simulation",
    "harness.sandbox",
    "harness.models",
    "harness.hookspecs",
    "harness.testing",
)


def _private_imports(path: Path, packages: frozenset[str] = frozenset({"harness"})) -> list[str]:
    """Modules or names with a `_`-prefixed part, under one of `packages`, that a file imports."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] not in packages:
                continue
            if any(p.startswith("_") for p in parts[1:]):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: from {node.module} import ...")
            elif any(alias.name.startswith("_") for alias in node.names):
                names = ", ".join(a.name for a in node.names)
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: from {node.module} import {names}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] in packages and any(p.startswith("_") for p in parts[1:]):
                    found.append(f"{path.relative_to(REPO)}:{node.lineno}: import {alias.name}")
    return found


def _plugin_packages() -> dict[Path, str]:
    """Each plugin directory and the import name of the package it ships."""
    return {
        package.parents[1]: package.name
        for package in sorted((REPO / "plugins").glob("*/src/*"))
        if (package / "__init__.py").exists()
    }


def _plugin_and_bench_files() -> list[Path]:
    files = sorted((REPO / "bench").glob("*.py"))
    for plugin in sorted((REPO / "plugins").iterdir()):
        files += sorted(p for p in plugin.rglob("*.py") if "minisuite" not in p.parts)
    return files


def test_plugins_and_benches_import_only_the_public_api():
    files = _plugin_and_bench_files()
    assert any("ambig_swe" in str(f) for f in files) and any(f.parent.name == "bench" for f in files)
    offenders = [line for path in files for line in _private_imports(path)]
    assert not offenders, "private harness imports (make the name public instead):\n" + "\n".join(offenders)


def test_nothing_outside_a_plugin_imports_its_private_modules():
    packages = _plugin_packages()
    assert "harness_ambig_swe" in packages.values() and len(packages) >= 5
    outside = [REPO / "tests", REPO / "bench", REPO / "harness", REPO / "examples", REPO / "docs"]
    files = [p for top in outside for p in sorted(top.rglob("*.py"))]
    files += [p for plugin in packages for p in sorted(plugin.rglob("*.py")) if "minisuite" not in p.parts]
    offenders = []
    for path in files:
        owner = next((name for plugin, name in packages.items() if plugin in path.parents), None)
        others = frozenset(name for name in packages.values() if name != owner)
        offenders += _private_imports(path, others)
    assert not offenders, (
        "a plugin's private modules imported from outside it (test them in plugins/<name>/tests):\n"
        + ("\n".join(offenders))
    )


def test_the_check_catches_a_private_import(tmp_path: Path, monkeypatch):
    module = REPO / "bench" / "_probe_private_import.py"
    module.write_text(
        "from harness.run._plan import plan\nfrom harness import _errors\nimport harness_decepticon._runner\n"
    )
    try:
        assert len(_private_imports(module)) == 2
        assert len(_private_imports(module, frozenset({"harness_decepticon"}))) == 1
    finally:
        module.unlink()


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_name_resolves_and_is_documented(module_name: str):
    import importlib

    module = importlib.import_module(module_name)
    assert module.__doc__
    for name in getattr(module, "__all__", []):
        value = getattr(module, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"{module_name}.{name} has no docstring"


def test_import_harness_stays_cheap():
    import subprocess
    import sys

    probe = "import sys, harness; print(sorted(m for m in ('inspect_ai', 'docker', 'llama_cpp', 'pydantic') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
