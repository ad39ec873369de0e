"""Discovery of really installed plugin distributions, through the real `harness` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PluginDist, pip_install, run_harness

ECHO_TASK = """\
    from inspect_ai import Task
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import match


    def echo(count: int = 3, word: str = "hello") -> Task:
        \"\"\"Ask the model to repeat a word.

        Args:
            count: Number of samples.
            word: The word to repeat.
        \"\"\"
        samples = [Sample(input=f"Repeat: {word} {i}", target=word) for i in range(count)]
        return Task(dataset=samples, scorer=match(location="any"))
"""

GOOD = PluginDist(
    "harness-test-good", {"harness.tasks": {"echo": "good_plugin:echo"}}, {"good_plugin/__init__.py": ECHO_TASK}
)
# Same short name as GOOD, from another distribution.
TWIN = PluginDist(
    "harness-test-twin", {"harness.tasks": {"echo": "twin_plugin:echo"}}, {"twin_plugin/__init__.py": ECHO_TASK}
)
BROKEN = PluginDist(
    "harness-test-broken",
    {
        "harness.tasks": {"crash": "broken_plugin.crash:task", "notcallable": "broken_plugin:CONSTANT"},
    },
    {
        "broken_plugin/__init__.py": "CONSTANT = 42\n",
        "broken_plugin/crash.py": "import module_that_does_not_exist\n",
    },
)


@pytest.mark.slow
@pytest.mark.serial  # installs into the shared venv: every other process would list the plugin meanwhile
def test_installed_plugin_is_listed_run_and_uninstalled(tmp_path: Path):
    """A plugin built as a wheel, pip-installed into the environment, used, then uninstalled."""
    dist = PluginDist(
        "harness-test-installed",
        {"harness.tasks": {"installed_echo": "installed_plugin:echo"}},
        {"installed_plugin/__init__.py": ECHO_TASK},
    )
    project = dist.write(tmp_path)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(project),
        ],
        check=True,
    )
    pip_install([str(next(wheels.glob("*.whl")))])
    try:
        listing = run_harness("list", "tasks")
        assert listing.returncode == 0, listing.stderr
        line = next(line for line in listing.stdout.splitlines() if "installed_echo" in line)
        assert "harness-test-installed 1.0.0" in line and "Ask the model to repeat a word." in line

        result = run_harness(
            "eval", "task=installed_echo", "task.count=2", f"log_dir={tmp_path / 'logs'}", "display=none"
        )
        assert result.returncode == 0, result.stderr
        record = json.loads(next((tmp_path / "logs").glob("*/results.json")).read_text())
        assert record["samples"]["total"] == 2
        assert {
            "kind": "task",
            "name": "installed_echo",
            "dist": "harness-test-installed",
            "version": "1.0.0",
        } in record["versions"]["plugins"]
    finally:
        subprocess.run(
            [sys.executable, "-m", "pip", "uninstall", "--quiet", "-y", "harness-test-installed"], check=True
        )
    after = run_harness("list", "tasks")
    assert "installed_echo" not in after.stdout


@pytest.mark.slow
def test_task_params_are_typed_and_validated(plugin_site, tmp_path: Path):
    site = plugin_site(GOOD)
    info = run_harness("info", "echo", site=site)
    assert info.returncode == 0, info.stderr
    assert "task.count  (integer; default 3)" in info.stdout
    assert "Number of samples." in info.stdout

    bad = run_harness("eval", "task=echo", "task.count=many", site=site)
    assert bad.returncode == 2
    assert "'task.count' must be an integer, got 'many'" in bad.stderr
    typo = run_harness("eval", "task=echo", "task.cuont=2", site=site)
    assert typo.returncode == 2
    assert "did you mean 'task.count'?" in typo.stderr


def _corrupt_entry_points(site: Path, dist: str) -> None:
    """Add what setuptools refuses to write but other tools can: a bad reference and a name registered twice."""
    (entry_points,) = site.glob(f"{dist.replace('-', '_')}-*.dist-info/entry_points.txt")
    entry_points.write_text(
        entry_points.read_text()
        + "\n[harness.scorers]\nbadref = broken_plugin:not a reference\ntwice = broken_plugin:a\ntwice = broken_plugin:b\n"
    )


@pytest.mark.slow
def test_broken_plugins_are_reported_and_do_not_break_others(plugin_site, tmp_path: Path):
    site = plugin_site(GOOD, BROKEN)
    _corrupt_entry_points(site, BROKEN.name)
    listing = run_harness("list", site=site)
    assert listing.returncode == 0, listing.stderr
    assert "BROKEN: entry point value 'broken_plugin:not a reference'" in listing.stdout
    assert "BROKEN: 'twice' is registered 2 times in [harness.scorers]" in listing.stdout
    assert "crash" in listing.stdout  # import errors need --check: plain listing imports nothing

    checked = run_harness("list", "--check", site=site)
    assert checked.returncode == 1
    lines = {line.split()[0]: line for line in checked.stdout.splitlines() if line.startswith("  ")}
    assert "BROKEN" in lines["crash"] and "No module named 'module_that_does_not_exist'" in lines["crash"]
    assert "BROKEN" in lines["notcallable"] and "is a int" in lines["notcallable"]
    assert "BROKEN" not in lines["echo"]

    crash = run_harness("eval", "task=crash", site=site)
    assert crash.returncode == 2
    assert "task 'harness-test-broken/crash' failed to load" in crash.stderr
    assert "-p no:crash" in crash.stderr

    works = run_harness("eval", "task=echo", "task.count=1", f"log_dir={tmp_path}", "display=none", site=site)
    assert works.returncode == 0, works.stderr


@pytest.mark.slow
def test_ambiguous_names_need_the_distribution(plugin_site, tmp_path: Path):
    site = plugin_site(GOOD, TWIN)
    ambiguous = run_harness("eval", "task=echo", site=site)
    assert ambiguous.returncode == 2
    assert "'harness-test-good/echo'" in ambiguous.stderr and "'harness-test-twin/echo'" in ambiguous.stderr

    listing = run_harness("list", "tasks", site=site)
    assert "harness-test-good/echo" in listing.stdout and "harness-test-twin/echo" in listing.stdout

    qualified = run_harness(
        "eval", "task=harness-test-twin/echo", "task.count=1", f"log_dir={tmp_path}", "display=none", site=site
    )
    assert qualified.returncode == 0, qualified.stderr


@pytest.mark.slow
def test_plugins_can_be_disabled(plugin_site, tmp_path: Path):
    site = plugin_site(GOOD, TWIN)
    by_flag = run_harness(
        "-p",
        "no:harness-test-twin",
        "eval",
        "task=echo",
        "task.count=1",
        f"log_dir={tmp_path}",
        "display=none",
        site=site,
    )
    assert by_flag.returncode == 0, by_flag.stderr

    by_env = run_harness("list", "tasks", site=site, env={"HARNESS_DISABLE_PLUGINS": "harness-test-good/echo"})
    assert "harness-test-good" not in by_env.stdout and "echo" in by_env.stdout

    disabled = run_harness("-p", "no:echo", "eval", "task=echo", site=site)
    assert disabled.returncode == 2 and "is disabled" in disabled.stderr


def test_listing_and_help_import_no_plugin_and_not_inspect(plugin_site):
    site = plugin_site(GOOD, BROKEN)
    probe = (
        "import sys\n"
        "from harness.cli._main import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "finally:\n"
        "    loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('inspect_ai', 'good_plugin', 'broken_plugin'))\n"
        "    print('LOADED', loaded)\n"
    )
    for args in (["list"], ["--help"], ["eval", "--help"], ["--version"]):
        result = subprocess.run(
            [sys.executable, "-c", probe, *args],
            capture_output=True,
            text=True,
            env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        )
        assert "LOADED []" in result.stdout, (args, result.stdout[-500:], result.stderr[-500:])


def test_summary_cache_follows_source_changes(tmp_path: Path):
    from harness.plugins._summaries import SummaryCache, summary_line

    package = tmp_path / "summary_pkg"
    package.mkdir()
    module = package / "__init__.py"
    module.write_text('def thing():\n    """First summary."""\n')
    sys.path.insert(0, str(tmp_path))
    try:
        cache_file = tmp_path / "cache" / "summaries.json"
        cache = SummaryCache(cache_file)
        assert summary_line("summary_pkg:thing", cache) == "First summary."
        cache.save()
        assert "summary_pkg" not in sys.modules  # read from source, never imported
        assert SummaryCache(cache_file).get("summary_pkg:thing") == "First summary."

        module.write_text('def thing():\n    """Second, longer summary."""\n')
        from harness.plugins import _summaries

        _summaries._parse.cache_clear()
        assert SummaryCache(cache_file).get("summary_pkg:thing") is None  # stale: the file changed
        assert summary_line("summary_pkg:thing", SummaryCache(cache_file)) == "Second, longer summary."
    finally:
        sys.path.remove(str(tmp_path))
