"""The sandbox package and the sandboxed plugins read straight: no import cycle, no function over 60 lines."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SANDBOX = REPO / "harness" / "sandbox"
PLUGINS = [REPO / "plugins" / "ambig_swe" / "src", REPO / "plugins" / "cooperbench" / "src"]


def _module(path: Path, root: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts)


def _imports(path: Path) -> set[str]:
    """Every module imported anywhere in the file, inside functions too."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_sandbox_modules_import_each_other_without_a_cycle():
    modules = {_module(p, REPO): p for p in SANDBOX.glob("_*.py") if p.name != "__init__.py"}
    graph = {name: {i for i in _imports(path) if i in modules and i != name} for name, path in modules.items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for target in sorted(graph[name]):
            assert state.get(target) != 1, "import cycle: " + " -> ".join([*path[path.index(target) :], target])
            if target not in state:
                visit(target)
        path.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_sandbox_modules_do_not_import_the_package_root_or_use_importlib():
    for path in SANDBOX.glob("_*.py"):
        if path.name == "__init__.py":
            continue  # the package's lazy loader
        imported = _imports(path)
        assert "harness" not in imported, f"{path.name} imports from the harness package root (a cycle through it)"
        assert "importlib" not in imported, f"{path.name}: no importlib workaround"


def test_no_function_over_60_lines_in_the_sandbox_or_the_sandboxed_plugins():
    long = []
    for root in [SANDBOX, *PLUGINS]:
        for path in root.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    lines = (node.end_lineno or node.lineno) - node.lineno + 1
                    if lines > 60:
                        long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({lines} lines)")
    assert not long, long
