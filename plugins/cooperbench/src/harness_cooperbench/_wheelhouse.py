"""Wheels for a task image, downloaded on the host: no container ever reaches a package index.

`harness.sandbox.download_wheels` resolves the repository's own dependencies (with its `[test]`
extra), the tools the released runner installs, and the build backend `pip install -e .` needs,
for the base image's Python.
"""

from __future__ import annotations

import sys
from pathlib import Path

from harness.sandbox import WheelhouseError
from harness.sandbox import download_wheels as fetch

from ._cache import cache_dir

BASE_PYTHON = "3.11"
"""Python of plugeval/base:bookworm (Debian bookworm's python3)."""
RUNNER_TOOLS = ("pytest", "pytest-xdist", "pytest_mock")
"""What every released runner.sh installs besides the repository."""
_LEGACY_BUILD = ["setuptools>=40.8.0", "wheel"]


__all__ = ["BASE_PYTHON", "RUNNER_TOOLS", "WheelhouseError", "build_requirements", "download_wheels"]


def build_requirements(repo: Path) -> list[str]:
    """The repository's `[build-system] requires` (setuptools and wheel for setup.py-only projects)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    pyproject = repo / "pyproject.toml"
    if not pyproject.is_file():
        return list(_LEGACY_BUILD)
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return list(_LEGACY_BUILD)
    requires = data.get("build-system", {}).get("requires")
    return [str(r) for r in requires] if isinstance(requires, list) and requires else list(_LEGACY_BUILD)


def download_wheels(repo: Path, dest: Path, python: str = BASE_PYTHON) -> list[str]:
    """Download every wheel the task image needs into `dest`; returns the file names.

    `dest/build-requirements.txt` lists the build backend, which the image preinstalls.

    Raises:
        WheelhouseError: pip failed (no network to the index, or a dependency without a wheel).
    """
    build = [*build_requirements(repo), *_LEGACY_BUILD]
    requirements = [f"{repo}[test]", *RUNNER_TOOLS, "pip", *build]
    fetch(requirements, dest, python, keep=cache_dir("wheels", python))
    (dest / "build-requirements.txt").write_text("\n".join(build) + "\n")
    return sorted(p.name for p in dest.iterdir())
