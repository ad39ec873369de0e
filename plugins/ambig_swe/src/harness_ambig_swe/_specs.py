"""SWE-bench's per-repository/version environment specs, read from `swebench` 4.1.0's data file.

`swebench` up to 4.1.0 carries the specs (Python version, conda/pip packages, requirement-file paths,
pre-install and install commands, test command) in `swebench/harness/constants/python.py`; 5.x
dropped them. That file is plain data, so it is read on its own (`pip install --no-deps
'swebench==4.1.0'` is enough) without importing the package and its heavy dependencies.
"""

from __future__ import annotations

import importlib.util
import runpy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from harness import ConfigError

from ._instances import Instance

BASE_IMAGES = {"3.9": "plugeval/base:bullseye", "3.11": "plugeval/base:bookworm", "3.13": "plugeval/base:trixie"}
"""The harness base image for each Python an instance's spec may name (Debian's python3 of each suite)."""
BASE_IMAGE_COMMANDS = {
    "plugeval/base:bullseye": "harness sandbox base-image suite=bullseye",
    "plugeval/base:bookworm": "harness sandbox base-image",
    "plugeval/base:trixie": "harness sandbox base-image suite=trixie",
}
_INSTALL_HINT = "pip install --no-deps 'swebench==4.1.0' (5.x dropped the install specs)"


class UnsupportedSpec(Exception):
    """The instance's environment cannot be built here; the message says why."""


@dataclass(frozen=True)
class EnvironmentSpec:
    """SWE-bench's recipe for one instance's environment (`MAP_REPO_VERSION_TO_SPECS_PY[repo][version]`)."""

    repo: str
    version: str
    python: str
    packages: str = ""
    """Conda packages (installed here with pip), `requirements.txt` or `environment.yml`."""
    pip_packages: tuple[str, ...] = ()
    pre_install: tuple[str, ...] = ()
    install: str = ""
    eval_commands: tuple[str, ...] = ()
    test_cmd: str = ""

    @property
    def base_image(self) -> str | None:
        """The harness base image with this spec's Python, or None when there is none."""
        return BASE_IMAGES.get(self.python)


@lru_cache(maxsize=1)
def _constants() -> dict[str, Any]:
    spec = importlib.util.find_spec("swebench")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"building SWE-bench instance environments needs swebench's specs: {_INSTALL_HINT}")
    path = Path(next(iter(spec.submodule_search_locations))) / "harness" / "constants" / "python.py"
    if not path.is_file():
        raise ConfigError(f"the installed swebench has no per-repo install specs: {_INSTALL_HINT}")
    return runpy.run_path(str(path))


def swebench_specs() -> dict[str, dict[str, dict[str, Any]]]:
    """SWE-bench's MAP_REPO_VERSION_TO_SPECS_PY: repo → version → install spec."""
    return _constants()["MAP_REPO_VERSION_TO_SPECS_PY"]


def requirement_paths(repo: str) -> list[str]:
    """SWE-bench's MAP_REPO_TO_REQS_PATHS: where a repository keeps its requirements, first found wins."""
    return list(_constants()["MAP_REPO_TO_REQS_PATHS"].get(repo, []))


def spec_for(instance: Instance) -> EnvironmentSpec:
    """The instance's spec (versions read back from spreadsheets are matched too: 3 → 3.0, 0.2 → 0.20).

    Raises:
        UnsupportedSpec: SWE-bench has no spec for the repository or version.
    """
    by_version = swebench_specs().get(instance.repo)
    if by_version is None:
        raise UnsupportedSpec(f"SWE-bench has no install specs for {instance.repo}")
    version = instance.version or ""
    for candidate in (version, f"{version}.0", f"{version}0"):
        if candidate in by_version:
            raw = by_version[candidate]
            test_cmd = raw.get("test_cmd", "")
            return EnvironmentSpec(
                repo=instance.repo,
                version=candidate,
                python=str(raw.get("python", "")),
                packages=str(raw.get("packages", "")).strip(),
                pip_packages=tuple(raw.get("pip_packages", ())),
                pre_install=tuple(raw.get("pre_install", ())),
                install=str(raw.get("install", "")),
                eval_commands=tuple(raw.get("eval_commands", ())),
                # a list means several commands; SWE-bench grades the last one's output
                test_cmd=test_cmd[-1] if isinstance(test_cmd, list) else str(test_cmd),
            )
    raise UnsupportedSpec(f"SWE-bench has no install spec for {instance.repo} version {version!r}")
