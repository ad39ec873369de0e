"""Instance environments without SWE-bench images: SWE-bench's per-repo/version install specs.

`swebench` up to 4.1.0 carries the specs (Python version, requirements, pinned packages, install
command) in `swebench/harness/constants/python.py`; 5.x dropped them. That file is plain data, so
it is read on its own (`pip install --no-deps 'swebench==4.1.0'` is enough) without importing the
package and its heavy dependencies.
"""

from __future__ import annotations

import importlib.util
import runpy
import shlex
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from harness import ConfigError

from ._instances import Instance

BASE_IMAGE_PYTHON = "3.11"
"""Python of plugeval/base:bookworm (Debian bookworm's python3)."""

_INSTALL_HINT = "pip install --no-deps 'swebench==4.1.0' (5.x dropped the install specs)"


@lru_cache(maxsize=1)
def swebench_specs() -> dict[str, dict[str, dict[str, Any]]]:
    """SWE-bench's MAP_REPO_VERSION_TO_SPECS_PY: repo → version → install spec."""
    spec = importlib.util.find_spec("swebench")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"building SWE-bench instance environments needs swebench's specs: {_INSTALL_HINT}")
    constants = Path(next(iter(spec.submodule_search_locations))) / "harness" / "constants" / "python.py"
    if not constants.is_file():
        raise ConfigError(f"the installed swebench has no per-repo install specs: {_INSTALL_HINT}")
    return runpy.run_path(str(constants))["MAP_REPO_VERSION_TO_SPECS_PY"]


@dataclass(frozen=True)
class EnvironmentPlan:
    """How to build one instance's environment FROM the harness base image."""

    instance_id: str
    python: str
    dockerfile: str
    test_cmd: str


def spec_for(instance: Instance) -> dict[str, Any]:
    """The install spec of the instance's repo and version (versions read back from spreadsheets: 3 → 3.0)."""
    by_version = swebench_specs().get(instance.repo)
    if by_version is None:
        raise ConfigError(f"{instance.instance_id}: SWE-bench has no install specs for {instance.repo}")
    version = instance.version or ""
    for candidate in (version, f"{version}.0", f"{version}0"):
        if candidate in by_version:
            return by_version[candidate]
    raise ConfigError(f"{instance.instance_id}: no SWE-bench install spec for {instance.repo} version {version!r}")


def environment_plan(instance: Instance, image_python: str = BASE_IMAGE_PYTHON) -> EnvironmentPlan:
    """A Dockerfile that checks out `base_commit` and installs the instance's pinned environment.

    The build context must hold the repository clone as `repo/`. Raises ConfigError when the spec
    needs a Python the base image lacks: such an instance is reported, never run on the wrong one.
    """
    spec = spec_for(instance)
    python = str(spec.get("python", ""))
    if python != image_python:
        raise ConfigError(
            f"{instance.instance_id}: SWE-bench's spec for {instance.repo} {instance.version} needs Python {python}, "
            f"the base image has {image_python}; not run (use the SWE-bench instance image instead)"
        )
    lines = [
        "FROM plugeval/base:bookworm",
        "COPY repo /workspace/repo",
        "WORKDIR /workspace/repo",
        f"RUN git checkout -q {shlex.quote(instance.base_commit)} && git clean -fdxq",
    ]
    packages = str(spec.get("packages", "")).strip()
    if packages == "requirements.txt":
        lines.append("RUN python3 -m pip install -r requirements.txt")
    elif packages == "environment.yml":
        raise ConfigError(f"{instance.instance_id}: its spec needs a conda environment.yml, which the base image lacks")
    elif packages:
        lines.append(f"RUN python3 -m pip install {packages}")
    for command in spec.get("pre_install", []):
        lines.append(f"RUN {command}")
    if spec.get("pip_packages"):
        lines.append("RUN python3 -m pip install " + " ".join(shlex.quote(p) for p in spec["pip_packages"]))
    if spec.get("install"):
        lines.append("RUN " + spec["install"].replace("python -m pip", "python3 -m pip"))
    lines.append("RUN chown -R agent:agent /workspace/repo")
    return EnvironmentPlan(instance.instance_id, python, "\n".join(lines) + "\n", str(spec.get("test_cmd", "")))


def build_context(instance: Instance, clone: Path, cache_dir: Path) -> Path:
    """A Docker build context for the instance: a shared local clone as `repo/` and the Dockerfile."""
    import subprocess

    plan = environment_plan(instance)
    if not (clone / ".git").exists():
        raise ConfigError(f"{instance.instance_id}: {clone} is not a git clone of {instance.repo}")
    context = cache_dir / instance.instance_id
    if not (context / "repo" / ".git").exists():
        context.mkdir(parents=True, exist_ok=True)
        cloned = subprocess.run(
            ["git", "clone", "-q", "--shared", str(clone), str(context / "repo")], capture_output=True, text=True
        )
        if cloned.returncode != 0:
            raise ConfigError(f"{instance.instance_id}: cloning {clone} failed: {cloned.stderr.strip()}")
    has_commit = subprocess.run(
        ["git", "-C", str(context / "repo"), "cat-file", "-e", f"{instance.base_commit}^{{commit}}"]
    )
    if has_commit.returncode != 0:
        raise ConfigError(
            f"{instance.instance_id}: base_commit {instance.base_commit} is not in {clone}; fetch it first"
        )
    (context / "Dockerfile").write_text(plan.dockerfile)
    return context / "Dockerfile"
