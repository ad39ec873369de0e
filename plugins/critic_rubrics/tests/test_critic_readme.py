"""The README's end-to-end example runs as written and prints the results the README states."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from critic_testkit import PLUGIN

README = PLUGIN / "README.md"


def readme_commands() -> list[str]:
    """The commands (`$ ` lines, continuations joined) of the README's first console block."""
    block = re.search(r"^```console\n(.*?)^```", README.read_text(), re.DOTALL | re.MULTILINE)
    assert block, "the README has no console block"
    lines: list[str] = []
    for line in block[1].splitlines():
        if lines and lines[-1].endswith("\\"):
            lines[-1] = lines[-1][:-1] + " " + line.strip()
        else:
            lines.append(line)
    return [line[2:] for line in lines if line.startswith("$ ")]


@pytest.mark.slow  # six harness processes: ~25 s on an idle 2-CPU machine
def test_the_readme_example_runs_and_matches_its_expected_results(tmp_path: Path):
    (tmp_path / "plugins").symlink_to(PLUGIN.parent)  # the commands name the shipped data from the repository root
    environment = {k: v for k, v in os.environ.items() if k not in ("HARNESS_MODEL", "HARNESS_DISABLE_PLUGINS")}
    environment["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), environment.get("PATH", "")])
    script = "set -euo pipefail\n" + "\n".join(readme_commands()) + "\n"
    result = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, env=environment, timeout=900
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    out, text = result.stdout + result.stderr, README.read_text()

    auc = re.search(r"cross-validated AUC (\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\])", out)
    assert auc and f"**{auc[1]}**" in text, (auc, out[:2000])
    rows = re.findall(r"^\s+(\d)  (\d\.\d{3}) \[[^]]*\]  (\d\.\d{3}) \[[^]]*\]  (\d\.\d{3})", out, re.MULTILINE)
    assert [r[0] for r in rows] == ["1", "2", "3", "4"], out
    best, oracle = (" / ".join(r[column] for r in rows[1:]) for column in (2, 3))
    stated = f"Best@2/3/4 {best}; Oracle@2/3/4 {oracle}"
    assert stated in text, stated
    assert f"Random@k {rows[0][1]} at every k" in text
    assert (tmp_path / "critic-run" / "rerank" / "rerank.png").exists()
    assert (tmp_path / "critic-run" / "stop" / "stop.json").exists()
    assert len((tmp_path / "critic-run" / "top.jsonl").read_text().splitlines()) == 40
    assert "critic/mean" in out and "n=20" in out
