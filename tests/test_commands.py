"""Commands added to `harness` by plugins (entry point group harness.commands)."""

from __future__ import annotations

from conftest import PluginDist, run_harness


def test_plugin_commands_are_listed_without_import_and_run_with_their_args(plugin_site):
    site = plugin_site(
        PluginDist(
            name="harness-hello",
            entry_points={"harness.commands": {"hello": "hello_cmd:main", "broken": "broken_cmd:main"}},
            modules={
                "hello_cmd/__init__.py": """
                    import sys

                    def main(argv):
                        print("hello " + " ".join(argv))
                        return 3
                """,
                "broken_cmd/__init__.py": "raise RuntimeError('broken at import')\n",
            },
        )
    )
    listing = run_harness("--help", site=site)
    assert listing.returncode == 0
    assert "hello" in listing.stdout and "(from harness-hello" in listing.stdout  # broken_cmd was never imported
    hello = run_harness("hello", "a=1", "--flag", site=site)
    assert (hello.returncode, hello.stdout.strip()) == (3, "hello a=1 --flag")
    broken = run_harness("broken", site=site)
    assert broken.returncode == 2
    assert "command 'broken' (broken_cmd:main) failed to load: RuntimeError: broken at import" in broken.stderr
