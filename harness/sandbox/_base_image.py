"""Build the Debian base images `plugeval/base:<suite>` without a registry: debootstrap + docker import.

`bookworm` (Python 3.11) is the default every sandbox starts FROM; `bullseye` (Python 3.9) and
`trixie` (Python 3.13) are there for tasks whose environment names another Python (SWE-bench's
per-repository specs, for instance).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from harness.sandbox._engine import SandboxError, docker_client

BASE_IMAGE = "plugeval/base:bookworm"
SUITE_PYTHON = {"bookworm": "3.11", "bullseye": "3.9", "trixie": "3.13"}
"""Debian suites the base image builds from, and the python3 each ships."""
SANDBOX_USER = "agent"
SANDBOX_UID = 1000
_PACKAGES = "python3,python3-pip,python3-venv,git,ca-certificates,procps"


def base_image_tag(suite: str = "bookworm") -> str:
    """The tag of the base image built from Debian `suite`: `plugeval/base:<suite>`."""
    return f"plugeval/base:{suite}"


def base_image_for_python(version: str) -> str | None:
    """The base image whose python3 is `version` (e.g. "3.9" → plugeval/base:bullseye), or None."""
    suite = next((s for s, python in SUITE_PYTHON.items() if python == version), None)
    return base_image_tag(suite) if suite else None


def base_image_exists(tag: str = BASE_IMAGE) -> bool:
    """Whether the engine already has the image `tag`."""
    import docker.errors

    try:
        docker_client().images.get(tag)
    except docker.errors.ImageNotFound:
        return False
    return True


def build_base_image(
    tag: str | None = None,
    *,
    suite: str = "bookworm",
    mirror: str = "http://deb.debian.org/debian",
    force: bool = False,
    log=print,
) -> str:
    """Build `tag` (default `plugeval/base:<suite>`) from a debootstrap root file system; returns the image id.

    `suite` is one of SUITE_PYTHON (bookworm, bullseye, trixie). The image has python3 (with pip and
    venv), git and procps, a non-root user `agent` (uid 1000)
    that sandboxes run commands as, and pip allowed to install system-wide (a sandbox is disposable,
    so Debian's externally-managed guard only gets in the agent's way). Reuses an existing image
    unless `force`.
    """
    if suite not in SUITE_PYTHON:
        raise SandboxError(f"unknown Debian suite {suite!r}: choose one of {', '.join(SUITE_PYTHON)}")
    tag = tag or base_image_tag(suite)
    client = docker_client()
    if not force and base_image_exists(tag):
        image = client.images.get(tag)
        log(f"{tag} already present ({image.short_id}); use --force to rebuild")
        return image.id
    if shutil.which("debootstrap") is None:
        raise SandboxError("debootstrap is not installed: apt-get install -y debootstrap")
    if os.geteuid() != 0:
        raise SandboxError("debootstrap needs root: run `harness sandbox base-image` as root (or with sudo)")
    with tempfile.TemporaryDirectory(prefix="plugeval-rootfs-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        log(f"debootstrap {suite} into {rootfs} (a few minutes)...")
        _run(["debootstrap", "--variant=minbase", f"--include={_PACKAGES}", suite, str(rootfs), mirror])
        _prepare_rootfs(rootfs)
        log(f"importing as {tag}...")
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        assert tar.stdout is not None
        image_id = client.api.import_image_from_stream(
            tar.stdout,
            repository=tag.split(":")[0],
            tag=tag.split(":")[1] if ":" in tag else "latest",
            changes=[
                "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "ENV LANG=C.UTF-8",
                f"LABEL plugeval.base.suite={suite} plugeval.base.python={SUITE_PYTHON[suite]}",
                'CMD ["/bin/bash"]',
            ],
        )
        if tar.wait() != 0:
            raise SandboxError("tar of the root file system failed")
    image = client.images.get(tag)
    log(f"built {tag} ({image.short_id}) from {str(image_id)[:80]}")
    return image.id


def _prepare_rootfs(rootfs: Path) -> None:
    subprocess.run(
        [
            "chroot",
            str(rootfs),
            "useradd",
            "--create-home",
            "--uid",
            str(SANDBOX_UID),
            "--shell",
            "/bin/bash",
            SANDBOX_USER,
        ],
        check=True,
    )
    for marker in (rootfs / "usr" / "lib").glob("python3*/EXTERNALLY-MANAGED"):
        marker.unlink()
    workspace = rootfs / "workspace"
    workspace.mkdir(exist_ok=True)
    os.chown(workspace, SANDBOX_UID, SANDBOX_UID)
    shutil.rmtree(rootfs / "var" / "cache" / "apt" / "archives", ignore_errors=True)
    (rootfs / "var" / "cache" / "apt" / "archives" / "partial").mkdir(parents=True, exist_ok=True)


def _run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).splitlines()[-5:])
        raise SandboxError(f"{cmd[0]} failed (exit {result.returncode}):\n{tail}")
