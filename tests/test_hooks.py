"""Hooks go through pluggy's own calling: ordering, wrappers and isolation of failures."""

from __future__ import annotations

from pathlib import Path

import pluggy

from harness import hookimpl, hookspecs
from harness.run._hooks import HookRelay


def _relay() -> HookRelay:
    manager = pluggy.PluginManager("harness")
    manager.add_hookspecs(hookspecs)
    return HookRelay(manager)


class Writer:
    def __init__(self, name: str, calls: list[str]):
        self.name, self.calls = name, calls

    @hookimpl
    def harness_write_results(self, record, out_dir):
        self.calls.append(self.name)
        return Path(out_dir) / f"{self.name}.txt"


class First:
    def __init__(self, calls: list[str]):
        self.calls = calls

    @hookimpl(tryfirst=True)
    def harness_write_results(self, out_dir):
        self.calls.append("first")
        return Path(out_dir) / "first.txt"


class Broken:
    @hookimpl
    def harness_write_results(self, record):
        raise RuntimeError("disk on fire")


class Wrapper:
    """A new-style wrapper: sees every other implementation's results and can change them."""

    @hookimpl(wrapper=True)
    def harness_write_results(self, out_dir):
        paths = yield
        return [*paths, Path(out_dir) / "index.txt"]


def test_pluggy_orders_wraps_and_isolates(tmp_path: Path, capsys):
    calls: list[str] = []
    relay = _relay()
    relay.register(Writer("a", calls), "a")
    relay.register(Broken(), "broken")
    relay.register(First(calls), "first")
    relay.register(Wrapper(), "wrapper")
    results = relay.call("harness_write_results", record={"run_id": "r"}, out_dir=tmp_path)
    assert calls == ["first", "a"]  # tryfirst runs first; the broken one in between changes nothing
    assert [p.name for p in results] == ["first.txt", "a.txt", "index.txt"]  # the wrapper's addition kept
    assert [e.to_dict() for e in relay.errors] == [
        {"plugin": "broken", "hook": "harness_write_results", "error": "RuntimeError: disk on fire"}
    ]
    assert "hook plugin 'broken' failed in harness_write_results" in capsys.readouterr().err


def test_a_failing_wrapper_is_reported_and_the_run_goes_on(tmp_path: Path):
    class BadWrapper:
        @hookimpl(wrapper=True)
        def harness_write_results(self):
            raise ValueError("wrapper broke")
            yield  # pragma: no cover

    relay = _relay()
    relay.register(BadWrapper(), "bad")
    assert relay.call("harness_write_results", record={}, out_dir=tmp_path) == []
    assert relay.errors[0].hook == "harness_write_results" and "wrapper broke" in relay.errors[0].error


def test_an_invalid_hook_plugin_is_reported_at_registration():
    class Misspelled:
        @hookimpl
        def harness_run_start(self, run_identifier):  # not an argument of the spec
            pass

    relay = _relay()
    relay.register(Misspelled(), "misspelled")
    assert relay.errors and relay.errors[0].hook == "register" and "run_identifier" in relay.errors[0].error
