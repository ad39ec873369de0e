"""Wheels for an instance image, downloaded on the host: no container ever reaches a package index.

Two passes per install step. `pip download` on the host resolves the requirements for the image's
Python and Linux; but pip evaluates environment markers (`exceptiongroup; python_version < "3.11"`)
for the host's Python, so then the image's own Python and pip resolve the same step offline against
the wheelhouse (`pip install --dry-run --no-index`, in a container without network), and whatever
they miss is downloaded on the host, until they miss nothing. A dependency published only as a
source distribution is built into a wheel on the host when it is pure Python; any other is reported.
"""

from __future__ import annotations

import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ._cache import cache_dir

GLIBC = {"3.9": (2, 31), "3.11": (2, 36), "3.13": (2, 41)}
"""glibc of the Debian suite behind each base image's Python (bullseye, bookworm, trixie)."""
CONTEXT_MOUNT = "/ctx"
_MISSING = re.compile(r"No matching distribution found for ([^\n]+)")
_MAX_ROUNDS = 40


class WheelhouseError(Exception):
    """pip could not get a wheel an install step needs (the message carries pip's reason)."""


def target_options(python: str) -> list[str]:
    """pip's `--python-version/--platform/--abi` options for CPython `python` on the base image's Linux."""
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


def fill(arguments: Sequence[str], context: Path, python: str, base_image: str) -> None:
    """Make `context/wheels` hold everything `pip install ARGUMENTS` needs on `base_image`, offline.

    `arguments` are pip install arguments relative to `context` (`-r requirements.txt`, `./repo[test]`).

    Raises:
        WheelhouseError: A requirement cannot be had as a wheel for this Python, or pip failed.
    """
    wheels = context / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    try:
        download(list(arguments), wheels, python, cwd=context)
    except WheelhouseError:
        # the host's Python may not build an old project's metadata (setup.py of its era); the
        # image's Python does, in the rounds below
        local = [a for a in arguments if a.startswith("./")]
        if not local:
            raise
        download([a for a in arguments if a not in local], wheels, python, cwd=context)
    for _ in range(_MAX_ROUNDS):
        missing = _missing_in_image(arguments, context, base_image)
        if not missing:
            return
        before = set(wheels.iterdir())
        download(missing, wheels, python, cwd=context)
        if set(wheels.iterdir()) == before:
            raise WheelhouseError(f"pip in the image finds no usable wheel for {', '.join(missing)}")
    raise WheelhouseError(f"still missing wheels after {_MAX_ROUNDS} rounds")


def download(requirements: Sequence[str], dest: Path, python: str, cwd: Path | None = None) -> None:
    """`pip download` `requirements` (pip arguments) with their dependencies into `dest` on the host.

    Wheels fetched before (for any instance, same Python) are tried first without the index; only
    when they do not suffice does pip ask the index. New wheels are kept for the next build.
    """
    if not requirements:
        return
    dest.mkdir(parents=True, exist_ok=True)
    kept = cache_dir("wheels", python)
    kept.mkdir(parents=True, exist_ok=True)
    local = ["--find-links", str(dest), "--find-links", str(kept), "--dest", str(dest)]
    if _pip("download", "--no-index", *target_options(python), *local, *requirements, cwd=cwd).returncode == 0:
        return
    for _ in range(_MAX_ROUNDS):
        result = _pip("download", *target_options(python), *local, *requirements, cwd=cwd)
        if result.returncode == 0:
            _keep(dest, kept)
            return
        missing = _MISSING.search(result.stderr)
        if not missing:
            raise WheelhouseError(f"pip download failed: {_reason(result)}")
        _build_pure_wheel(_without_marker(missing.group(1)), dest, python)
    raise WheelhouseError(f"pip download failed: more than {_MAX_ROUNDS} dependencies without wheels")


# Run by the image's python3: every requirement of the wheels in the wheelhouse whose marker holds on
# this interpreter and that no wheel provides (pip's own vendored packaging evaluates the markers).
_SCAN = """
import glob, sys, zipfile
sys.path.insert(0, sys.argv[1])
from pip._vendor.packaging.requirements import Requirement
from pip._vendor.packaging.utils import canonicalize_name
wheels = glob.glob("/ctx/wheels/*.whl")
have = {canonicalize_name(w.rsplit("/", 1)[1].split("-")[0]) for w in wheels}
missing = set()
for wheel in wheels:
    with zipfile.ZipFile(wheel) as archive:
        meta = next((n for n in archive.namelist() if n.endswith(".dist-info/METADATA")), None)
        text = archive.read(meta).decode("utf-8", "replace") if meta else ""
    for line in text.split("\\n\\n")[0].splitlines():
        if line.startswith("Requires-Dist:"):
            try:
                req = Requirement(line.split(":", 1)[1].strip())
            except Exception:
                continue
            if (req.marker is None or req.marker.evaluate({"extra": ""})) and canonicalize_name(req.name) not in have:
                req.marker = None
                missing.add(str(req))
for item in sorted(missing):
    print("MISSING:", item)
"""


def _missing_in_image(arguments: Sequence[str], context: Path, base_image: str) -> list[str]:
    """Requirements the image's pip cannot satisfy from the wheelhouse (all known at once where possible)."""
    import docker

    pip_wheel = next((p.name for p in (context / "wheels").glob("pip-*.whl")), None)
    pip_path = f"{CONTEXT_MOUNT}/wheels/{pip_wheel}" if pip_wheel else ""
    pip = ["python3", f"{pip_path}/pip"] if pip_wheel else ["python3", "-m", "pip"]
    dry_run = [*pip, "install", "--dry-run", "--ignore-installed", "--no-index"]
    dry_run += ["--find-links", f"{CONTEXT_MOUNT}/wheels", "--disable-pip-version-check", "--quiet", *arguments]
    script = (
        f"python3 -c {shlex.quote(_SCAN)} {shlex.quote(pip_path)} > /tmp/scan.txt || exit 3\n"
        "if grep -q '^MISSING:' /tmp/scan.txt; then cat /tmp/scan.txt; exit 4; fi\n"
        f"{' '.join(shlex.quote(a) for a in dry_run)}\n"
    )
    client = docker.from_env()
    container = client.containers.run(
        base_image,
        command=["bash", "-c", script],
        working_dir=CONTEXT_MOUNT,
        volumes={str(context.resolve()): {"bind": CONTEXT_MOUNT, "mode": "rw"}},
        network_disabled=True,
        environment={"HOME": "/tmp", "PIP_NO_CACHE_DIR": "1"},
        detach=True,
    )
    try:
        status = container.wait(timeout=900)
        output = container.logs(stdout=True, stderr=True).decode("utf-8", "replace")
    finally:
        container.remove(force=True)
    if status.get("StatusCode") == 0:
        return []
    scanned = [line.split(":", 1)[1].strip() for line in output.splitlines() if line.startswith("MISSING:")]
    if scanned:
        return scanned
    missing = _MISSING.search(output)
    if missing is None:
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        raise WheelhouseError(f"pip in the image failed: {' '.join(lines[-3:])[-400:]}")
    return [_without_marker(missing.group(1))]


def _keep(wheels: Path, kept: Path) -> None:
    for wheel in wheels.glob("*.whl"):
        if not (kept / wheel.name).exists():
            shutil.copy2(wheel, kept / wheel.name)


def _without_marker(requirement: str) -> str:
    return requirement.split(";", 1)[0].strip().strip('"').strip()


def _build_pure_wheel(requirement: str, dest: Path, python: str) -> None:
    with tempfile.TemporaryDirectory(prefix="ambig-swe-sdist-") as tmp:
        sources, built = Path(tmp) / "sources", Path(tmp) / "wheels"
        fetched = _pip("download", "--no-deps", "--no-binary", ":all:", "--dest", str(sources), requirement)
        if fetched.returncode != 0:
            raise WheelhouseError(f"no wheel of {requirement} for Python {python}, and no source: {_reason(fetched)}")
        archive = next(sources.iterdir())
        # no compiler: a package with optional C speedups (MarkupSafe, PyYAML...) falls back to pure Python
        wheel = _pip("wheel", "--no-deps", "--wheel-dir", str(built), str(archive), env={"CC": "false", "CXX": "false"})
        if wheel.returncode != 0:
            raise WheelhouseError(
                f"no wheel of {requirement} for Python {python}; building one failed: {_reason(wheel)}"
            )
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
