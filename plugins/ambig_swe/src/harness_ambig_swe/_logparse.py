"""Test logs read the way SWE-bench reads each repository's (swebench 4.1 `log_parsers/python.py`).

pytest's `-rA` summary lines for most repositories (with per-repository variants), Django's
`runtests.py --verbosity 2` lines, and sympy's `bin/test --verbose` lines. A parser maps test name →
status: PASSED, FAILED, ERROR, SKIPPED or XFAIL.
"""

from __future__ import annotations

import re
from collections.abc import Callable

STATUSES = ("FAILED", "PASSED", "SKIPPED", "ERROR", "XFAIL")
Parser = Callable[[str], dict[str, str]]


def parse_pytest(log: str) -> dict[str, str]:
    """pytest `-rA`: `STATUS test_id` lines (` - message` after FAILED dropped)."""
    found: dict[str, str] = {}
    for line in log.split("\n"):
        if line.startswith(STATUSES):
            if line.startswith("FAILED"):
                line = line.replace(" - ", " ")
            parts = line.split()
            if len(parts) > 1:
                found[parts[1]] = parts[0]
    return found


_OPTION = re.compile(r"(.*?)\[(.*)\]")


def parse_pytest_options(log: str) -> dict[str, str]:
    """pytest `-rA`, with parametrized ids whose option is a path shortened to its last part."""
    found: dict[str, str] = {}
    for line in log.split("\n"):
        if line.startswith(STATUSES):
            if line.startswith("FAILED"):
                line = line.replace(" - ", " ")
            parts = line.split()
            if len(parts) <= 1:
                continue
            option = _OPTION.search(parts[1])
            if option:
                main, value = option.groups()
                if value.startswith("/") and not value.startswith("//") and "*" not in value:
                    value = "/" + value.split("/")[-1]
                found[f"{main}[{value}]"] = parts[0]
            else:
                found[parts[1]] = parts[0]
    return found


def parse_pytest_v2(log: str) -> dict[str, str]:
    """pytest, colour codes stripped, also `test_id STATUS` lines of older pytest versions."""
    found: dict[str, str] = {}
    escapes = str.maketrans("", "", "".join(chr(c) for c in range(1, 32)))
    for line in log.split("\n"):
        line = re.sub(r"\[(\d+)m", "", line).translate(escapes)
        if line.startswith(STATUSES):
            if line.startswith("FAILED"):
                line = line.replace(" - ", " ")
            parts = line.split()
            if len(parts) >= 2:
                found[parts[1]] = parts[0]
        elif line.endswith(STATUSES):
            parts = line.split()
            if len(parts) >= 2:
                found[parts[0]] = parts[1]
    return found


def parse_matplotlib(log: str) -> dict[str, str]:
    """pytest `-rA`, with MouseButton enum values spelled as numbers."""
    return parse_pytest(log.replace("MouseButton.LEFT", "1").replace("MouseButton.RIGHT", "3"))


def parse_seaborn(log: str) -> dict[str, str]:
    """seaborn's pytest output: FAILED lines, and PASSED either before or after the test id."""
    found: dict[str, str] = {}
    for line in log.split("\n"):
        if line.startswith("FAILED"):
            found[line.split()[1]] = "FAILED"
        elif " PASSED " in line:
            parts = line.split()
            if parts[1] == "PASSED":
                found[parts[0]] = "PASSED"
        elif line.startswith("PASSED"):
            found[line.split()[1]] = "PASSED"
    return found


_DJANGO_MULTILINE = (
    r"^(.*?)\s\.\.\.\sTesting\ against\ Django\ installed\ in\ ((?s:.*?))\ silenced\)\.\nok$",
    r"^(.*?)\s\.\.\.\sInternal\ Server\ Error:\ \/(.*)\/\nok$",
    r"^(.*?)\s\.\.\.\sSystem check identified no issues \(0 silenced\)\nok$",
)


def parse_django(log: str) -> dict[str, str]:
    """Django's `runtests.py --verbosity 2`: `test (module.Class) ... ok|FAIL|ERROR|skipped` lines."""
    found: dict[str, str] = {}
    previous = None
    for line in (raw.strip() for raw in log.split("\n")):
        if "--version is equivalent to version" in line:
            found["--version is equivalent to version"] = "PASSED"
        if " ... " in line:
            previous = line.split(" ... ")[0]
        for suffix in (" ... ok", " ... OK", " ...  OK"):
            if line.endswith(suffix):
                if line.startswith("Applying sites.0002_alter_domain_unique...test_no_migrations"):
                    line = line.split("...", 1)[-1].strip()
                found[line.rsplit(suffix, 1)[0]] = "PASSED"
                break
        if " ... skipped" in line:
            found[line.split(" ... skipped")[0]] = "SKIPPED"
        if line.endswith(" ... FAIL"):
            found[line.split(" ... FAIL")[0]] = "FAILED"
        if line.startswith("FAIL:"):
            found[line.split()[1].strip()] = "FAILED"
        if line.endswith(" ... ERROR"):
            found[line.split(" ... ERROR")[0]] = "ERROR"
        if line.startswith("ERROR:"):
            found[line.split()[1].strip()] = "ERROR"
        if line.lstrip().startswith("ok") and previous is not None:
            found[previous] = "PASSED"  # output between "..." and "ok"
    for pattern in _DJANGO_MULTILINE:
        for match in re.finditer(pattern, log, re.MULTILINE):
            found[match.group(1)] = "PASSED"
    return found


def parse_sympy(log: str) -> dict[str, str]:
    """sympy's `bin/test --verbose`: `test_name ok|F|E` lines and `___ path.py:test ___` failure headers."""
    found: dict[str, str] = {}
    for match in re.findall(r"(_*) (.*)\.py:(.*) (_*)", log):
        found[f"{match[1]}.py:{match[2]}"] = "FAILED"
    for line in (raw.strip() for raw in log.split("\n")):
        if line.startswith("test_"):
            if line.endswith(" E"):
                found[line.split()[0]] = "ERROR"
            if line.endswith(" F"):
                found[line.split()[0]] = "FAILED"
            if line.endswith(" ok"):
                found[line.split()[0]] = "PASSED"
    return found


PARSERS: dict[str, Parser] = {
    "pytest": parse_pytest,
    "pytest_options": parse_pytest_options,
    "pytest_v2": parse_pytest_v2,
    "matplotlib": parse_matplotlib,
    "seaborn": parse_seaborn,
    "django": parse_django,
    "sympy": parse_sympy,
}
"""Parsers by name (the name travels in sample metadata)."""

PARSER_BY_REPO = {
    "astropy/astropy": "pytest_v2",
    "django/django": "django",
    "marshmallow-code/marshmallow": "pytest",
    "matplotlib/matplotlib": "matplotlib",
    "mwaskom/seaborn": "seaborn",
    "pallets/flask": "pytest",
    "psf/requests": "pytest_options",
    "pvlib/pvlib-python": "pytest",
    "pydata/xarray": "pytest",
    "pydicom/pydicom": "pytest_options",
    "pylint-dev/astroid": "pytest",
    "pylint-dev/pylint": "pytest_options",
    "pytest-dev/pytest": "pytest",
    "pyvista/pyvista": "pytest",
    "scikit-learn/scikit-learn": "pytest_v2",
    "sqlfluff/sqlfluff": "pytest",
    "sphinx-doc/sphinx": "pytest_v2",
    "sympy/sympy": "sympy",
}
"""SWE-bench's MAP_REPO_TO_PARSER_PY, by parser name."""


def parse_log(parser: str, log: str) -> dict[str, str]:
    """Test name → status from `log`, read by the named parser."""
    return PARSERS[parser](log)
