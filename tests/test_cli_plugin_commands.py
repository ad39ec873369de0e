"""Plugin commands (`harness.commands`): clashes are errors naming both packages; absent first-party ones say how to
install them."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

from chained_venv import chained_venv
from conftest import REPO, PluginDist, run_harness
from harness.cli._plugin_commands import FIRST_PARTY_COMMANDS

_HELLO = """
def main(argv):
    print("{who} " + " ".join(argv))
    return 0
"""


def _hello(dist: str, who: str, names: tuple[str, ...] = ("hello",)) -> PluginDist:
    module = f"{who}_cmd"
    return PluginDist(
        name=dist,
        entry_points={"harness.commands": {name: f"{module}:main" for name in names}},
        modules={f"{module}/__init__.py": _HELLO.format(who=who)},
    )


def test_two_packages_registering_one_command_is_an_error_naming_both(plugin_site):
    site = plugin_site(_hello("harness-hello-a", "alpha", ("hello", "eval")), _hello("harness-hello-b", "beta"))

    clash = run_harness("hello", "x=1", site=site)
    assert clash.returncode == 2, clash.stdout + clash.stderr
    (line,) = clash.stderr.splitlines()
    assert "command 'hello' is registered by 2 distributions" in line
    assert "harness-hello-a 1.0.0 (alpha_cmd:main)" in line and "harness-hello-b 1.0.0 (beta_cmd:main)" in line
    assert "-p no:harness-hello-b" in line

    chosen = run_harness("-p", "no:harness-hello-b", "hello", "x=1", site=site)
    assert (chosen.returncode, chosen.stdout.strip()) == (0, "alpha x=1")

    helped = run_harness("--help", site=site)
    assert "(clash: harness-hello-a and harness-hello-b)" in helped.stdout

    listing = run_harness("list", "commands", site=site)
    assert listing.returncode == 0
    assert "BROKEN: command 'hello' is registered by 2 distributions" in listing.stdout
    assert "BROKEN: the built-in `harness eval` has the name" in listing.stdout
    # the built-in keeps its name: a plugin cannot take `harness eval` over
    assert "run settings (see keys below)" in run_harness("eval", "--help", site=site).stdout


def test_a_disabled_plugin_command_says_it_is_disabled(plugin_site):
    site = plugin_site(_hello("harness-hello-a", "alpha"))
    disabled = run_harness("hello", site=site, env={"HARNESS_DISABLE_PLUGINS": "harness-hello-a"})
    assert disabled.returncode == 2
    assert "command 'hello' (harness-hello-a) is disabled" in disabled.stderr


def test_first_party_commands_of_plugins_not_installed_name_their_install_line(tmp_path: Path):
    hidden = ["plugeval_metric_induction", "__editable__.plugeval_metric_induction", "plugeval_decepticon"]
    hidden += ["__editable__.plugeval_decepticon"]
    bin_dir = chained_venv(tmp_path / "venv", exclude=hidden)

    def harness(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(bin_dir / "harness"), *args], capture_output=True, text=True, timeout=300)

    induce = harness("induce", "autometrics", "data=x.csv")
    assert induce.returncode == 2
    assert induce.stderr.strip() == (
        "harness: error: `harness induce` comes with the plugin plugeval-metric-induction, which is not installed; "
        "from a clone of plugeval: pip install -e plugins/metric_induction"
    )
    decepticon = harness("decepticon", "--help")
    assert decepticon.returncode == 2 and "pip install -e plugins/decepticon" in decepticon.stderr
    assert "(needs plugeval-metric-induction: pip install -e" in harness("--help").stdout


def test_the_first_party_commands_are_those_the_plugins_in_this_repository_register():
    registered = {}
    for project in sorted(REPO.glob("plugins/*/pyproject.toml")):
        data = tomllib.loads(project.read_text())
        for name in data["project"].get("entry-points", {}).get("harness.commands", {}):
            registered[name] = (data["project"]["name"], project.parent.name)
    assert registered == FIRST_PARTY_COMMANDS
