"""The sandbox image for the mini-suite: the harness base image plus pytest, built offline.

pytest's wheels are fetched on the host (`pip download`, through whatever index or cache the host
uses) and copied into the build context, so the image builds without network in the container.
"""

from __future__ import annotations

import subprocess
import sys

from harness import DockerSandboxConfig, SandboxError

from ._cache import cache_dir

PYTEST_REQUIREMENT = "pytest>=8,<9"
_DOCKERFILE = """\
FROM plugeval/base:bookworm
COPY wheels /tmp/wheels
RUN pip install --no-index --find-links /tmp/wheels pytest && rm -rf /tmp/wheels
"""


def minisuite_sandbox_config(memory: str = "1g") -> DockerSandboxConfig:
    """A harness-docker config whose Dockerfile installs pytest into the base image."""
    cache = cache_dir("minisuite-image")
    wheels = cache / "wheels"
    if not any(wheels.glob("pytest-*.whl")):
        wheels.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--only-binary",
                ":all:",
                "--dest",
                str(wheels),
                PYTEST_REQUIREMENT,
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise SandboxError(
                f"could not fetch pytest wheels for the Ambig-SWE sandbox image: {result.stderr.strip()[-300:]}; "
                f"put pytest's wheels in {wheels} by hand"
            )
    (cache / "Dockerfile").write_text(_DOCKERFILE)
    return DockerSandboxConfig(dockerfile=str(cache / "Dockerfile"), memory=memory)
