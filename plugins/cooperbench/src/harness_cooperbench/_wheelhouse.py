"""Wheels for a task image, downloaded on the host: no container ever reaches a package index.

`pip download` resolves the repository's own dependencies (with its `[test]` extra), the tools the
released runner installs, and the build backend `pip install -e .` needs, for the base image's Python.
"""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

BASE_PYTHON = "3.11"
"""Python of plugeval/base:bookworm (Debian bookworm's python3)."""
RUNNER_TOOLS = ("pytest", "pytest-xdist", "pytest_mock")
"""What every released runner.sh installs besides the repository."""
_LEGACY_BUILD = ["setuptools>=40.8.0", "wheel"]


class WheelhouseError(Exception):
    """pip could not download a wheel the task needs (the message carries pip's reason)."""


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
    dest.mkdir(parents=True, exist_ok=True)
    arch = platform.machine().lower().replace("amd64", "x86_64").replace("arm64", "aarch64")
    target = ["--python-version", python, "--implementation", "cp", "--abi", f"cp{python.replace('.', '')}"]
    for tag in ("manylinux_2_28", "manylinux_2_17", "manylinux2014"):
        target += ["--platform", f"{tag}_{arch}"]
    build = [*build_requirements(repo), *_LEGACY_BUILD]
    requirements = [f"{repo}[test]", *RUNNER_TOOLS, "pip", *build]
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
    command += ["--only-binary", ":all:", *target, "--dest", str(dest), *requirements]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in (result.stderr or result.stdout).splitlines() if line.strip()]
        reason = next((line for line in reversed(lines) if "ERROR" in line), lines[-1] if lines else "no output")
        raise WheelhouseError(f"pip download failed: {reason.strip()}")
    (dest / "build-requirements.txt").write_text("\n".join(build) + "\n")
    return sorted(p.name for p in dest.iterdir())
