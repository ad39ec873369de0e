"""Shared fixtures: real plugin distributions built and pip-installed into a target directory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# A shell starts background jobs (`cmd &`) with SIGINT ignored, and an ignored signal stays ignored
# across exec: the harness processes these tests start would then never see the Ctrl-C the tests
# send them. A Python handler is reset to the default on exec, so children get a working SIGINT.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

REPO = Path(__file__).resolve().parents[1]


@dataclass
class PluginDist:
    """A plugin distribution to build: its name, entry points and module sources."""

    name: str
    entry_points: dict[str, dict[str, str]]
    modules: dict[str, str] = field(default_factory=dict)
    version: str = "1.0.0"

    def write(self, root: Path) -> Path:
        project = root / self.name
        project.mkdir(parents=True)
        groups = "\n".join(
            f'[project.entry-points."{group}"]\n' + "\n".join(f'{k} = "{v}"' for k, v in names.items())
            for group, names in self.entry_points.items()
        )
        packages = sorted({path.split("/")[0] for path in self.modules})
        (project / "pyproject.toml").write_text(
            textwrap.dedent(
                f"""\
                [build-system]
                requires = ["setuptools>=68"]
                build-backend = "setuptools.build_meta"

                [project]
                name = "{self.name}"
                version = "{self.version}"
                description = "Test plugin {self.name}"

                [tool.setuptools]
                packages = {packages!r}
                """
            )
            + groups
            + "\n"
        )
        for path, source in self.modules.items():
            target = project / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(source))
        return project


@pytest.fixture(autouse=True)
def _scripted_default_model(monkeypatch):
    """Runs that name no model use mockllm here; tests of the real default (local/) set it explicitly."""
    monkeypatch.setenv("HARNESS_MODEL", "mockllm/model")


def pip_install(args: list[str]) -> None:
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", *args]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def plugin_site(tmp_path: Path):
    """Install plugin distributions into a fresh directory put on PYTHONPATH for `harness` subprocesses."""
    site = tmp_path / "site"
    site.mkdir()

    def install(*dists: PluginDist) -> Path:
        for dist in dists:
            pip_install(["--target", str(site), str(dist.write(tmp_path / "src"))])
        return site

    return install


def run_harness(*args: str, site: Path | None = None, env: dict[str, str] | None = None, cwd: Path | None = None):
    """Run the real `harness` command in a subprocess."""
    environment = {key: value for key, value in os.environ.items() if key != "HARNESS_DISABLE_PLUGINS"}
    environment.update(env or {})
    if site is not None:
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), environment.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "harness", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=600,
    )
