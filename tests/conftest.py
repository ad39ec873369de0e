"""Shared fixtures: real plugin distributions built and pip-installed into a target directory."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness.testing import run_harness as harness_command

try:
    import fcntl
except ImportError:  # not on Windows: there the `serial` marker only orders, it does not exclude
    fcntl = None  # type: ignore[assignment]

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


def uv_install(python: Path, *requirements: str) -> subprocess.CompletedProcess:
    """`uv pip install` into the venv of `python`: pip's resolution from the same index, in seconds, not a minute."""
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    assert uv, "uv is not installed: pip install -e '.[test]'"
    return subprocess.run([uv, "pip", "install", "--quiet", "--python", str(python), *requirements],
                          capture_output=True, text=True)  # fmt: skip


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
    """Run the real `harness` command in a process of its own (forked from a pre-imported server)."""
    environment = {key: value for key, value in os.environ.items() if key != "HARNESS_DISABLE_PLUGINS"}
    environment.update(env or {})
    if site is not None:
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), environment.get("PYTHONPATH")]))
    return harness_command(*args, env=environment, cwd=cwd, timeout=600)


# --- Running in parallel (pytest-xdist) -----------------------------------------------------------------------

_TURN_HELD = "PLUGEVAL_TEST_TURN_HELD"
_SHARED_SCOPES = {"module", "class", "package"}


class _DockerTurns:
    """Tests marked `serial` run while no other test runs, in this session's workers or another session on the host.

    The Docker engine is one per host: a test that SIGKILLs a run and counts what it left, or removes every
    container whose owner is gone, must not overlap a sandbox start-up elsewhere (which reaps exactly those).
    Every other test holds a shared turn; a turnstile (the gate) keeps a stream of shared turns from starving
    a waiting serial test. flock locks die with their process, so a crashed worker frees its turn.
    """

    def __init__(self) -> None:
        directory = Path(tempfile.gettempdir())
        self._gate = open(directory / "plugeval-tests.gate", "a+")  # held for the session
        self._turns = open(directory / "plugeval-tests.turns", "a+")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None):
        if os.environ.get(_TURN_HELD):  # a pytest run inside a test: the outer test holds the turn already
            return (yield)
        exclusive = item.get_closest_marker("serial") is not None
        fcntl.flock(self._gate, fcntl.LOCK_EX)
        try:
            fcntl.flock(self._turns, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        finally:
            fcntl.flock(self._gate, fcntl.LOCK_UN)
        os.environ[_TURN_HELD] = "1"
        try:
            return (yield)
        finally:
            os.environ.pop(_TURN_HELD, None)
            fcntl.flock(self._turns, fcntl.LOCK_UN)


class _Scheduling:
    """Keep tests that share a module-scoped fixture on one xdist worker, hand out the slow work first, serial last.

    Under `--dist loadgroup` every group is one unit of work: an `xdist_group` marker, or the module of
    tests that share a module-scoped fixture (a built wheel set, a browser, an image), which would
    otherwise be built once per worker. Slow units go first (with `--no-loadscope-reorder`) so that no
    worker starts a ten-minute test at the end. The workers write each test's group to a file the
    controller's scheduler reads: xdist's own loadgroup tags node ids, which pytest 9.2 no longer allows.
    """

    def __init__(self, config: pytest.Config) -> None:
        worker = getattr(config, "workerinput", {})
        self._groups_file = Path(worker["plugeval_groups"]) if "plugeval_groups" in worker else None
        self._owned: Path | None = None

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:  # the controller, once per worker it starts
        if self._groups_file is None:
            self._owned = Path(tempfile.mkdtemp(prefix="plugeval-xdist-"))
            self._groups_file = self._owned / "groups.json"
        node.workerinput["plugeval_groups"] = str(self._groups_file)

    def pytest_unconfigure(self) -> None:
        if self._owned is not None:
            shutil.rmtree(self._owned, ignore_errors=True)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        if config.getvalue("dist") != "loadgroup":
            return None
        from xdist.scheduler import LoadGroupScheduling

        groups_file = self._groups_file

        class GroupScheduling(LoadGroupScheduling):
            groups: dict[str, str] | None = None

            def _split_scope(self, nodeid: str) -> str:
                if self.groups is None:  # written by the workers before they report their collection
                    self.groups = json.loads(groups_file.read_text()) if groups_file.exists() else {}
                return self.groups.get(nodeid) or super()._split_scope(nodeid)

        return GroupScheduling(config, log)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        if not hasattr(config, "workerinput"):  # a plain run keeps the collection order
            return
        groups: dict[pytest.Item, str] = {}
        for item in items:
            marker = item.get_closest_marker("xdist_group")
            if marker is not None:
                groups[item] = str(marker.args[0] if marker.args else marker.kwargs.get("name", "default"))
            elif _shares_a_fixture(item):
                groups[item] = item.nodeid.split("::")[0]
        slow_groups = {groups[item] for item in items if item in groups and item.get_closest_marker("slow")}

        def order(item: pytest.Item) -> tuple[bool, bool]:
            # serial tests last: one waits for the other worker's current test to end, which among the slow
            # units is minutes of an idle worker, and at the end of the run a few seconds
            light = item.get_closest_marker("slow") is None and groups.get(item) not in slow_groups
            return item.get_closest_marker("serial") is not None, light

        items.sort(key=order)  # stable: the order inside each group and each kind stays
        if self._groups_file is not None:
            staged = self._groups_file.with_suffix(f".{os.getpid()}")
            staged.write_text(json.dumps({item.nodeid: "group:" + group for item, group in groups.items()}))
            os.replace(staged, self._groups_file)  # every worker writes the same map; none sees half of one


def _shares_a_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.values() if info is not None else ()
    return any(defs and defs[-1].scope in _SHARED_SCOPES for defs in definitions)


def pytest_configure(config: pytest.Config) -> None:
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    if workers > 1:  # tests run side by side: llama.cpp on one thread each (see harness.models llama_threads)
        os.environ.setdefault("HARNESS_LLAMA_THREADS", "1")
    # registered as plugins (not conftest hooks) so that they cover plugins/*/tests as well as tests/
    if not config.pluginmanager.has_plugin("plugeval-scheduling"):
        config.pluginmanager.register(_Scheduling(config), "plugeval-scheduling")
    if fcntl is not None and not config.pluginmanager.has_plugin("plugeval-docker-turns"):
        config.pluginmanager.register(_DockerTurns(), "plugeval-docker-turns")
