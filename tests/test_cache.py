"""One cache directory: $HARNESS_CACHE_DIR, else the platform's user cache; `harness cache info|clear`."""

from __future__ import annotations

from pathlib import Path

from conftest import run_harness


def test_the_cache_directory_follows_the_environment(monkeypatch, tmp_path: Path):
    from harness import cache_dir

    monkeypatch.delenv("HARNESS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir("models") == tmp_path / "xdg" / "plugeval" / "models"
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"


def test_listing_caches_summaries_there_and_cache_clear_empties_it(tmp_path: Path):
    env = {"HARNESS_CACHE_DIR": str(tmp_path / "cache")}
    assert run_harness("list", env=env).returncode == 0
    info = run_harness("cache", "info", env=env)
    assert info.returncode == 0 and "summaries.json" in info.stdout and str(tmp_path / "cache") in info.stdout
    (tmp_path / "cache" / "models").mkdir()
    (tmp_path / "cache" / "models" / "m.gguf").write_bytes(b"x" * 2048)
    one = run_harness("cache", "clear", "models", env=env)
    assert one.returncode == 0 and "2.0 KiB freed" in one.stdout
    assert not (tmp_path / "cache" / "models").exists() and (tmp_path / "cache" / "summaries.json").exists()
    unknown = run_harness("cache", "clear", "../etc", env=env)
    assert unknown.returncode == 2 and "no cache entry" in unknown.stderr
    everything = run_harness("cache", "clear", env=env)
    assert everything.returncode == 0 and not any((tmp_path / "cache").iterdir())
