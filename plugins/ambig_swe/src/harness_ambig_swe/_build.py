"""Instance images, built once per content hash: base image + environment + repository at its base commit.

The tag is a hash of everything that goes into the image (recipe, requirements, pre-install edits,
repository and commit, base image id), so a second run reuses the image without touching pip or
git. A failure names the step that failed (`pre_install`, a pip step, `install`...) and why.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.sandbox import ImageBuildError, build_image, clone_commit, image_id

from ._cache import cache_dir
from ._instances import Instance
from ._recipe import Recipe, host_pre_install, pip_steps
from ._specs import EnvironmentSpec
from ._wheelhouse import WheelhouseError, fill

IMAGE_REPOSITORY = "plugeval/ambig-swe"
IMAGE_LABEL = "plugeval.ambig-swe.instance"
_VERSION = "1"  # bump when the build changes in a way the Dockerfile text does not show
_LOCAL_PROJECT = re.compile(r"(?:^|\s)\.(\[[^\]]*\])?(?=\s|$)")
_LEGACY_BUILD = ["setuptools>=40.8.0", "wheel"]
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class BuildFailed(Exception):
    """An instance image could not be built: which step failed, and why."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"build failed at step {step}: {reason}")
        self.step = step
        self.reason = reason


@dataclass(frozen=True)
class Built:
    """An instance image and the seconds its build took here (0 when it was already there)."""

    tag: str
    seconds: float


def image_tag(instance: Instance, spec: EnvironmentSpec, recipe: Recipe, base_image_id: str) -> str:
    """`plugeval/ambig-swe:<instance>-<hash of everything that goes into the image>`."""
    digest = hashlib.sha256()
    parts = (_VERSION, recipe.dockerfile, recipe.requirements or "", *spec.pre_install, instance.repo)
    for part in (*parts, instance.base_commit, base_image_id):
        digest.update(part.encode())
        digest.update(b"\0")
    name = re.sub(r"[^a-z0-9_.-]+", "-", instance.instance_id.lower())
    return f"{IMAGE_REPOSITORY}:{name}-{digest.hexdigest()[:12]}"


def ensure_image(
    instance: Instance,
    spec: EnvironmentSpec,
    recipe: Recipe,
    source: Path,
    base_image: str,
    log: Callable[[str], None] = lambda _: None,
) -> Built:
    """The instance's image, built when absent.

    Raises:
        BuildFailed: A step failed (pre-install commands that need the network, a dependency without
            a usable wheel, a failing install command...).
        SandboxError: No Docker engine answers.
    """
    base_id = image_id(base_image)
    if base_id is None:
        raise BuildFailed("base image", f"{base_image} is missing")
    tag = image_tag(instance, spec, recipe, base_id)
    if image_id(tag) is not None:
        return Built(tag, 0.0)
    started = time.monotonic()
    log(f"ambig_swe: building {tag} (once per content hash)")
    staging = cache_dir("build")
    staging.mkdir(parents=True, exist_ok=True)
    context = Path(tempfile.mkdtemp(prefix="context-", dir=staging))
    try:
        _prepare_context(instance, spec, recipe, source, context, base_image)
        build_image(
            context, tag, buildargs={"BASE_COMMIT": instance.base_commit},
            labels={IMAGE_LABEL: instance.instance_id}, what=f"building {tag}",
        )  # fmt: skip
    except ImageBuildError as ex:
        step = re.search(r"step=(\w+)", str(ex))
        reason = f"{str(ex).split('. Last output:')[0]}; output: {failure_excerpt(ex.log)}"
        raise BuildFailed(step.group(1) if step else "docker build", reason) from ex
    finally:
        shutil.rmtree(context, ignore_errors=True)
    return Built(tag, time.monotonic() - started)


def failure_excerpt(build_log: Iterable[str | dict[str, Any]], limit: int = 700) -> str:
    """What went wrong in the failing step's output: pip's "[N lines of output]" block if there is one
    (the subprocess's own error), else the last lines; and the final ERROR line."""
    chunks = (i if isinstance(i, str) else str(i.get("stream") or i.get("error") or "") for i in build_log)
    text = _ANSI.sub("", "".join(chunks))
    text = text.rsplit("\nStep ", 1)[-1]
    noise = ("Running in ", "Removing intermediate container", "--->")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith(noise)]
    starts = [i for i, line in enumerate(lines) if "lines of output]" in line]
    if starts:
        block = lines[starts[-1] + 1 :]
        block = block[: next((i for i, line in enumerate(block) if "[end of output]" in line), len(block))]
    else:
        block = lines[-8:]
    errors = [line for line in lines if line.startswith("ERROR")]
    excerpt = " | ".join([*block[-8:], *[e for e in errors[-1:] if e not in block]])
    return excerpt[-limit:]


def _prepare_context(
    instance: Instance, spec: EnvironmentSpec, recipe: Recipe, source: Path, context: Path, base_image: str
) -> None:
    edits, others = host_pre_install(spec)
    if others:
        raise BuildFailed("pre_install", f"needs the network or system packages: `{others[0]}`")
    repo = context / "repo"
    clone_commit(source, instance.base_commit, repo)
    for command in edits:
        done = subprocess.run(["bash", "-c", command], cwd=repo, capture_output=True, text=True)
        if done.returncode != 0:
            raise BuildFailed("pre_install", f"`{command}` failed: {done.stderr.strip()[-300:]}")
    if recipe.requirements is not None:
        (context / "requirements.txt").write_text(recipe.requirements)
    steps: list[tuple[str, list[str]]] = [("venv", ["pip", "setuptools", "wheel"])]
    for name, arguments in pip_steps(spec, recipe.requirements is not None):
        steps.append((name, ["-r", "requirements.txt"] if name == "requirements" else arguments))
    extras = local_project_extras(spec.install)
    if extras is not None:
        steps.append(("install", [*build_requirements(repo), f"./repo{extras}"]))
    environment: set[str] = set()
    for name, arguments in steps:
        try:
            fill(arguments, context, spec.python, base_image)
        except WheelhouseError as ex:
            raise BuildFailed(name, str(ex)) from None
        if name != "install":
            environment = {p.name for p in (context / "wheels").iterdir()}
    own = context / "repo-wheels"
    own.mkdir()
    for wheel in (context / "wheels").iterdir():
        if wheel.name not in environment:
            wheel.rename(own / wheel.name)
    (context / "Dockerfile").write_text(recipe.dockerfile)


def local_project_extras(install: str) -> str | None:
    """The extras (`[test]`, or "") with which the install command installs the repository itself, else None."""
    if "setup.py" in install:
        return ""
    match = _LOCAL_PROJECT.search(install) if "pip install" in install else None
    return (match.group(1) or "") if match else None


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


def base_image_id(tag: str) -> str | None:
    """The id of a base image, or None when the engine lacks it."""
    return image_id(tag)
