"""Wheels for an image, downloaded on the host: no container ever reaches a package index.

`pip download` for the image's Python and Linux (CPython ABI, abi3, pure; the manylinux tags its
Debian glibc accepts), trying the wheels kept from earlier downloads first (no index), then the
index. A dependency published only as a source distribution is built into a wheel on the host when
it is pure Python (no compiler: optional C speedups fall back to Python); any other is an error.
Shared by plugins that build task images offline (Ambig-SWE, CooperBench).
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from harness.sandbox._engine import SandboxError

GLIBC = {"3.9": (2, 31), "3.11": (2, 36), "3.13": (2, 41)}
"""glibc of the Debian suite behind each base image's Python (bullseye, bookworm, trixie)."""
_MISSING = re.compile(r"No matching distribution found for ([^\n]+)")
_MAX_ROUNDS = 40


class WheelhouseError(SandboxError):
    """pip could not get a wheel an image needs (the message carries pip's reason)."""


def pip_target_options(python: str) -> list[str]:
    """pip's `--only-binary/--python-version/--abi/--platform` options for CPython `python` on its base image."""
    arch = platform.machine().lower().replace("amd64", "x86_64").replace("arm64", "aarch64")
    major, minor = GLIBC.get(python, (2, 31))
    options = ["--only-binary", ":all:", "--python-version", python, "--implementation", "cp"]
    for abi in (f"cp{python.replace('.', '')}", "abi3", "none"):
        options += ["--abi", abi]
    for glibc_minor in range(minor, 4, -1):
        options += ["--platform", f"manylinux_{major}_{glibc_minor}_{arch}"]
    for legacy in ("manylinux2014", "manylinux2010", "manylinux1", "linux"):
        options += ["--platform", f"{legacy}_{arch}"]
    return options


def download_wheels(
    requirements: Sequence[str], dest: Path, python: str, *, cwd: Path | None = None, keep: Path | None = None
) -> None:
    """`pip download` `requirements` (pip arguments) with their dependencies into `dest`, for CPython `python`.

    Args:
        requirements: What to install (`pkg>=1`, `-r requirements.txt`, `./repo[test]`, relative to `cwd`).
        dest: The wheelhouse directory (created).
        python: The image's Python, e.g. "3.11".
        cwd: Where relative requirements are resolved.
        keep: A directory of wheels kept between builds: tried first without the index, and new wheels are kept.

    Raises:
        WheelhouseError: A requirement has no usable wheel and cannot be built as pure Python, or pip failed.
    """
    if not requirements:
        return
    dest.mkdir(parents=True, exist_ok=True)
    local = ["--find-links", str(dest), "--dest", str(dest)]
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        local = ["--find-links", str(keep), *local]
        if _pip("download", "--no-index", *pip_target_options(python), *local, *requirements, cwd=cwd).returncode == 0:
            return
    for _ in range(_MAX_ROUNDS):
        result = _pip("download", *pip_target_options(python), *local, *requirements, cwd=cwd)
        if result.returncode == 0:
            if keep is not None:
                for wheel in dest.glob("*.whl"):
                    if not (keep / wheel.name).exists():
                        shutil.copy2(wheel, keep / wheel.name)
            return
        missing = _MISSING.search(result.stderr)
        if not missing:
            raise WheelhouseError(f"pip download failed: {_reason(result)}")
        _build_pure_wheel(without_marker(missing.group(1)), dest, python)
    raise WheelhouseError(f"pip download failed: more than {_MAX_ROUNDS} dependencies without wheels")


def without_marker(requirement: str) -> str:
    """A requirement without its environment marker (`pkg>=1; python_version<"3.11"` → `pkg>=1`)."""
    return requirement.split(";", 1)[0].strip().strip('"').strip()


def _build_pure_wheel(requirement: str, dest: Path, python: str) -> None:
    with tempfile.TemporaryDirectory(prefix="plugeval-sdist-") as tmp:
        sources, built = Path(tmp) / "sources", Path(tmp) / "wheels"
        fetched = _pip("download", "--no-deps", "--no-binary", ":all:", "--dest", str(sources), requirement)
        if fetched.returncode != 0:
            raise WheelhouseError(f"no wheel of {requirement} for Python {python}, and no source: {_reason(fetched)}")
        archive = next(sources.iterdir())
        # no compiler: a package with optional C speedups (MarkupSafe, PyYAML...) falls back to pure Python
        wheel = _pip("wheel", "--no-deps", "--wheel-dir", str(built), str(archive), env={"CC": "false", "CXX": "false"})
        if wheel.returncode != 0:
            reason = _reason(wheel)
            raise WheelhouseError(f"no wheel of {requirement} for Python {python}; building one failed: {reason}")
        made = next(built.glob("*.whl"))
        if not made.name.endswith("-none-any.whl"):
            raise WheelhouseError(
                f"no wheel of {requirement} for Python {python} on Linux, and it is not pure Python ({made.name})"
            )
        shutil.copy2(made, dest / made.name)


def _pip(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pip", args[0], "--quiet", "--disable-pip-version-check", *args[1:]]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env={**os.environ, **(env or {})})


def _reason(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line.strip() for line in (result.stderr or result.stdout).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return " ".join(errors[-2:]) if errors else (lines[-1] if lines else "no output")
