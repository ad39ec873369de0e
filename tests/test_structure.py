"""The core's import structure: no cycles (imports inside functions count too), and layers that point one way."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

HARNESS = REPO / "harness"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Every harness module `path` imports, at the top or inside a function."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            # `from P import m` where m is a module of P depends on m (P's __init__ runs for any submodule)
            submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in modules]
            targets = submodules if len(submodules) == len(node.names) else [base, *submodules]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != _module_name(path):
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    files = [p for p in HARNESS.rglob("*.py")]
    modules = {_module_name(p) for p in files}
    # a package's __init__ re-exporting lazily is not an edge the structure is built on
    return {_module_name(p): _imports(p, modules) - {"harness"} for p in files}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_harness_modules():
    cycles = _cycles(_graph())
    assert not cycles, "import cycles (a module reaches itself again):\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_the_cycle_check_sees_imports_inside_functions():
    graph = {"a": {"b"}, "b": {"a"}, "c": set()}
    assert _cycles(graph) == [["a", "b"]]
    edges = _graph()
    # run_shard's worker builds its task from the plan: an import the structure must include
    assert "harness.run._inspect_call" in edges["harness.run.sharding._worker"]


def test_the_single_process_pipeline_never_imports_sharding():
    edges = _graph()
    # the modules that choose between one process and shards
    upstream = {"harness.run._execute", "harness.run._run_samples", "harness.run._set_ray", "harness.run._eval_set"}
    for module, imported in edges.items():
        if (
            module.startswith("harness.run.")
            and not module.startswith("harness.run.sharding")
            and module not in upstream
        ):
            assert not any(i.startswith("harness.run.sharding") for i in imported), module


def test_packages_point_one_way():
    """config below plugins below declarative below run; sandbox and simulation below run."""
    edges = _graph()

    def package(module: str) -> str:
        parts = module.split(".")
        return parts[1] if len(parts) > 2 else module

    order = ["config", "plugins", "declarative", "run"]
    for module, imported in edges.items():
        mine = package(module)
        if mine not in order:
            continue
        for other in imported:
            theirs = package(other)
            if theirs in order:
                assert order.index(theirs) <= order.index(mine), f"{module} imports {other}"


def test_no_function_in_the_core_is_longer_than_a_reader_can_hold():
    long = []
    for path in HARNESS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None:
                lines = node.end_lineno - node.lineno + 1
                if lines > 60:
                    long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({lines} lines)")
    assert not long, "functions over 60 lines:\n" + "\n".join(long)


def test_the_run_path_in_contributing_names_modules_and_functions_that_exist():
    """CONTRIBUTING's module-by-module run path stays true as modules move."""
    import re

    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## The run path, module by module", 1)[1].split("\n## ", 1)[0]
    checked, package = 0, ""
    for token in re.findall(r"`([^`]+)`", section):
        if re.fullmatch(r"\w+(/\w+)*/", token):  # `run/sharding/`: the modules named next are in it
            package = token.rstrip("/")
            continue
        found = re.fullmatch(r"((?:\w+/)*)(_\w+)(?:\.(\w+)(?:\.(\w+))?)?(?:\(\w*\))?", token)
        if found is None:
            continue
        folder, module, name, method = found.groups()
        if folder:
            package = folder.rstrip("/")
        file = HARNESS / package / f"{module}.py"
        assert file.is_file(), f"CONTRIBUTING names `{token}`: there is no {file.relative_to(REPO)}"
        source = file.read_text(encoding="utf-8")
        if name:
            assert re.search(rf"^(class|def) {name}\b", source, re.MULTILINE), f"`{token}`: no {name} in {file}"
        if method:
            assert re.search(rf"^    def {method}\b", source, re.MULTILINE), f"`{token}`: no {method} in {file}"
        checked += 1
    assert checked >= 20, checked
