"""A full disk: the path is named, the exit code is 1 (not bad input), the record agrees with the log."""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path

import pytest

from conftest import run_harness


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A tmpfs of a few hundred KiB (root can mount one; CI runs as root)."""
    mount = tmp_path / "disk"
    mount.mkdir()

    def make(size: str) -> Path:
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True)
        if result.returncode != 0:
            if os.environ.get("CI"):
                pytest.fail(f"CI runs as root and can mount a tmpfs: {result.stderr.decode()}")
            pytest.skip("mounting a tmpfs needs root")
        return mount

    yield make
    subprocess.run(["umount", str(mount)], capture_output=True)


def _big_task(tmp_path: Path) -> Path:
    rng = random.Random(0)
    words = ["".join(rng.choices("abcdefghij", k=6)) for _ in range(3000)]
    rows = [json.dumps({"q": " ".join(rng.choices(words, k=800)), "a": "x"}) for _ in range(200)]
    (tmp_path / "d.jsonl").write_text("\n".join(rows) + "\n")
    task = tmp_path / "big.yaml"
    task.write_text("name: big\ndataset: {path: d.jsonl, target: a}\nprompt: '{q}'\n")
    return task


@pytest.mark.slow
def test_a_disk_that_fills_mid_run(tiny_disk, tmp_path: Path):
    disk = tiny_disk("400k")
    result = run_harness("eval", f"task={_big_task(tmp_path)}", "max_samples=4", f"log_dir={disk}", "display=none")
    assert result.returncode == 1, result.stderr
    (run_dir,) = [p for p in disk.iterdir() if p.is_dir()]
    record = json.loads((run_dir / "results.json").read_text())
    assert record["status"] == "error" and "No space left on device" in record["error"]
    assert str(run_dir) in record["error"] and "log_dir=" in record["error"]  # where, and what to do
    from inspect_ai.log import read_eval_log

    log = read_eval_log(record["inspect_log"])
    assert record["samples"]["completed"] == sum(1 for s in log.samples or [] if s.scores and not s.error)


def test_a_full_disk_before_the_run_is_exit_1_naming_the_path(tiny_disk, tmp_path: Path):
    disk = tiny_disk("8k")
    subprocess.run(
        ["dd", "if=/dev/zero", f"of={disk / 'filler'}", "bs=1k", "count=16"], capture_output=True
    )
    result = run_harness("eval", "task=capitals", "limit=1", f"log_dir={disk}")
    assert result.returncode == 1, result.stderr
    assert "no space left on the device holding" in result.stderr and str(disk) in result.stderr
    assert "Traceback" not in result.stderr
