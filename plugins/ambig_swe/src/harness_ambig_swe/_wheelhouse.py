"""Wheels for an instance image, downloaded on the host: no container ever reaches a package index.

Two passes per install step. `harness.sandbox.download_wheels` on the host resolves the requirements
for the image's Python and Linux; but pip evaluates environment markers (`exceptiongroup;
python_version < "3.11"`) for the host's Python, so then the image's own Python and pip resolve the
same step offline against the wheelhouse (`pip install --dry-run --no-index`, in a hardened container
without network, the build context mounted read-only), and whatever they miss is downloaded on the
host, until they miss nothing.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import Path

from harness.sandbox import Container, DockerSandboxConfig, WheelhouseError, without_marker
from harness.sandbox import download_wheels as _download

from ._cache import cache_dir

__all__ = ["CONTEXT_MOUNT", "WheelhouseError", "download", "fill"]

CONTEXT_MOUNT = "/ctx"
_MISSING = re.compile(r"No matching distribution found for ([^\n]+)")
_MAX_ROUNDS = 40


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
    """`pip download` `requirements` into `dest` on the host, trying wheels kept from earlier builds first."""
    _download(requirements, dest, python, cwd=cwd, keep=cache_dir("wheels", python))


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
    pip_wheel = next((p.name for p in (context / "wheels").glob("pip-*.whl")), None)
    pip_path = f"{CONTEXT_MOUNT}/wheels/{pip_wheel}" if pip_wheel else ""
    pip = ["python3", f"{pip_path}/pip"] if pip_wheel else ["python3", "-m", "pip"]
    dry_run = [*pip, "install", "--dry-run", "--ignore-installed", "--no-index"]
    dry_run += ["--find-links", f"{CONTEXT_MOUNT}/wheels", "--disable-pip-version-check", "--quiet", *arguments]
    # the context is mounted read-only: a writable copy of everything but the wheels (pip builds
    # a local project's metadata in its tree)
    script = (
        "mkdir -p /tmp/ctx && cd /tmp/ctx && for f in /ctx/*; do n=${f##*/}; "
        '[ "$n" = wheels ] && ln -s "$f" "$n" || cp -r "$f" "$n"; done\n'
        f"python3 -c {shlex.quote(_SCAN)} {shlex.quote(pip_path)} > /tmp/scan.txt || exit 3\n"
        "if grep -q '^MISSING:' /tmp/scan.txt; then cat /tmp/scan.txt; exit 4; fi\n"
        f"{' '.join(shlex.quote(a) for a in dry_run)}\n"
    )
    config = DockerSandboxConfig(workdir="/tmp", memory="2g", environment=("HOME=/tmp", "PIP_NO_CACHE_DIR=1"))
    context.chmod(0o755)  # a temporary directory is the host user's alone; the container's user reads it
    with Container(base_image, config, mounts={str(context.resolve()): CONTEXT_MOUNT}) as box:
        result = box.exec(["bash", "-c", script], timeout=900)
    if result.returncode == 0:
        return []
    output = result.output
    scanned = [line.split(":", 1)[1].strip() for line in output.splitlines() if line.startswith("MISSING:")]
    if scanned:
        return scanned
    missing = _MISSING.search(output)
    if missing is None:
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        raise WheelhouseError(f"pip in the image failed: {' '.join(lines[-3:])[-400:]}")
    return [without_marker(missing.group(1))]
