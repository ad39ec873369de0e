"""Finding or building the image a sandbox config names."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from harness.sandbox._base_image import BASE_IMAGE
from harness.sandbox._config import DockerSandboxConfig
from harness.sandbox._engine import ImageBuildError, SandboxError, docker_client


def ensure_image(config: DockerSandboxConfig) -> str:
    """Return the tag of the image for `config`, building or pulling it when absent."""
    if config.dockerfile:
        return _build_dockerfile(Path(config.dockerfile), config.image)
    return _present_or_pulled(config.image or BASE_IMAGE)


def _present_or_pulled(name: str) -> str:
    import docker.errors

    client = docker_client()
    try:
        client.images.get(name)
        return name
    except docker.errors.ImageNotFound:
        pass
    except docker.errors.APIError as ex:
        raise SandboxError(f"sandbox image {name!r} is not a valid image name: {ex.explanation}") from ex
    try:
        client.images.pull(name)
        return name
    except docker.errors.DockerException as ex:
        hint = (
            "build it with `harness sandbox base-image`"
            if name == BASE_IMAGE
            else f"build it (Dockerfiles can start FROM {BASE_IMAGE}) or check the name"
        )
        reason = getattr(ex, "explanation", None) or str(ex)
        raise SandboxError(f"sandbox image {name!r} is not present and could not be pulled ({reason}); {hint}") from ex


def _build_dockerfile(dockerfile: Path, tag: str | None) -> str:
    import docker.errors

    if not dockerfile.is_file():
        raise SandboxError(f"sandbox Dockerfile {dockerfile} not found")
    context = dockerfile.parent
    tag = tag or f"plugeval/task:{_context_digest(context)}"
    client = docker_client()
    try:
        client.images.get(tag)
        return tag
    except docker.errors.ImageNotFound:
        pass
    build_image(context, tag, dockerfile=dockerfile.name, network=True, what=f"building {dockerfile}")
    return tag


def build_image(
    context: Path,
    tag: str,
    *,
    dockerfile: str = "Dockerfile",
    buildargs: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
    network: bool = False,
    what: str | None = None,
) -> str:
    """Build `context` into the image `tag` (no pull; no network unless `network`); returns the tag.

    A failed step leaves no container behind. Raises `ImageBuildError` (a `harness.InfraError` and a
    `SandboxError`) with Docker's reason and the end of the build's output.
    """
    import docker.errors

    what = what or f"building {tag}"
    try:
        # forcerm: a failed step must not leave its exited, unlabelled build container behind
        docker_client().images.build(
            path=str(context), dockerfile=dockerfile, tag=tag, rm=True, forcerm=True, pull=False,
            network_mode=None if network else "none", buildargs=buildargs or {}, labels=labels or {},
        )  # fmt: skip
    except docker.errors.BuildError as ex:
        output = [str(item.get("stream") or item.get("error") or "") for item in ex.build_log]
        tail = " | ".join(line.strip() for line in output if line.strip())[-600:]
        raise ImageBuildError(f"{what} failed: {ex.msg}. Last output: {tail}", output) from ex
    except docker.errors.APIError as ex:
        raise ImageBuildError(f"{what} failed: {ex.explanation}") from ex
    return tag


def image_id(tag: str) -> str | None:
    """The id of the image `tag`, or None when the engine does not have it."""
    import docker.errors

    try:
        return str(docker_client().images.get(tag).id)
    except docker.errors.ImageNotFound:
        return None


def _context_digest(context: Path) -> str:
    """Hash of every file in the build context, so an edit rebuilds and nothing else does."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(context):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            digest.update(str(path.relative_to(context)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
