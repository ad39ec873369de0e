"""The Dockerfile of an instance image: base image for the spec's Python, the environment, the repository.

SWE-bench's environment steps in its order (conda packages, assembled requirements, pinned pip
packages, the repository's install command), in a virtualenv at /opt/testbed owned by the agent's
user, installed offline from the wheelhouse in the build context. Each RUN names its step
(`: step=NAME`) so a failed build says which one failed.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from ._specs import EnvironmentSpec

REPO_DIR = "/workspace/repo"
VENV = "/opt/testbed"
WHEELS_DIR = "/opt/plugeval/wheels"
_COMMAND_HEAD = re.compile(r"(?:^|&&|\|\||;)\s*([A-Za-z0-9_./-]+)")
_FILE_EDITORS = {"sed", "grep"}


@dataclass(frozen=True)
class Recipe:
    """An instance image's Dockerfile, and the text of `requirements.txt` for its build context.

    The context holds `repo/`, `wheels/` (the environment's wheels) and `repo-wheels/` (the wheels only
    the repository's install step needs) besides.
    """

    dockerfile: str
    requirements: str | None
    """Text of `requirements.txt` for the context (SWE-bench's `packages: requirements.txt`), if any."""


def pip_steps(spec: EnvironmentSpec, has_requirements: bool) -> list[tuple[str, list[str]]]:
    """The pip install steps before the repository's own install: (step name, pip arguments)."""
    steps: list[tuple[str, list[str]]] = []
    if spec.packages and spec.packages not in ("requirements.txt", "environment.yml"):
        steps.append(("packages", shlex.split(spec.packages)))
    if has_requirements:
        steps.append(("requirements", ["-r", "/opt/plugeval/requirements.txt"]))
    if spec.pip_packages:
        steps.append(("pip_packages", list(spec.pip_packages)))
    return steps


def host_pre_install(spec: EnvironmentSpec) -> tuple[list[str], list[str]]:
    """Split pre-install commands into file edits (sed/grep, run on the host copy) and the rest."""
    edits: list[str] = []
    others: list[str] = []
    for command in spec.pre_install:
        heads = set(_COMMAND_HEAD.findall(command))
        (edits if heads and heads <= _FILE_EDITORS else others).append(command)
    return edits, others


def recipe(spec: EnvironmentSpec, base_image: str, requirements: str | None) -> Recipe:
    """The Dockerfile for `spec` FROM `base_image` (build argument BASE_COMMIT checks the checkout).

    Everything is installed as the sandbox user `agent`, who owns the virtualenv and the repository
    (no `chown -R` copying the environment into another layer); the image's default user stays root.
    """
    env_path = f"{VENV}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    lines = [
        f"FROM {base_image}",
        f"ENV PIP_NO_INDEX=1 PIP_FIND_LINKS={WHEELS_DIR} PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \\",
        "    LANG=C.UTF-8",
        "RUN : step=setup"
        " && git config --system user.name 'Ambig-SWE agent' && git config --system user.email agent@ambig-swe.invalid"
        " && git config --system --add safe.directory '*'"
        f" && mkdir -p {VENV} /opt/plugeval && chown agent:agent {VENV} /opt/plugeval",
        f"COPY --chown=agent:agent wheels {WHEELS_DIR}",
        "USER agent",
        f"RUN : step=venv && python3 -m venv {VENV} && {VENV}/bin/python -m pip install --upgrade pip setuptools wheel",
        f"ENV VIRTUAL_ENV={VENV} PATH={env_path}",
    ]
    if requirements is not None:
        lines.append("COPY --chown=agent:agent requirements.txt /opt/plugeval/requirements.txt")
    for name, arguments in pip_steps(spec, requirements is not None):
        lines.append(f"RUN : step={name} && python -m pip install {' '.join(shlex.quote(a) for a in arguments)}")
    # everything above is the same for every instance of one spec, so Docker's cache shares those layers
    lines += [
        f"COPY --chown=agent:agent repo-wheels {WHEELS_DIR}/",
        f"COPY --chown=agent:agent repo {REPO_DIR}",
        f"WORKDIR {REPO_DIR}",
        "ARG BASE_COMMIT",
        'RUN : step=checkout && test "$(git rev-parse HEAD)" = "$BASE_COMMIT"',
    ]
    if spec.install:
        lines.append(f"RUN : step=install && {spec.install}")
    # like SWE-bench: what set-up changed in tracked files is committed, so `git diff` shows the agent's work
    lines += [
        "RUN : step=finish && (git diff --quiet HEAD || git commit -q -am 'plugeval: environment set-up')",
        "USER root",
    ]
    return Recipe("\n".join(lines) + "\n", requirements)
