"""`harness eval-set`: a matrix of tasks × models × grids, records, index, resume, bad matrices."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from conftest import run_harness
from test_plugins import GOOD


def _matrix(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "matrix.yaml"
    path.write_text(textwrap.dedent(body).format(log_dir=tmp_path / "runs"))
    return path


def test_matrix_with_a_grid_runs_each_combination_and_resumes(plugin_site, tmp_path: Path):
    site = plugin_site(GOOD)
    matrix = _matrix(
        tmp_path,
        """\
        log_dir: {log_dir}
        models: [mockllm/model]
        display: none
        tasks:
          - arithmetic
          - task: echo
            args: {{word: hi}}
            grid: {{count: [1, 2]}}
    """,
    )
    first = run_harness("eval-set", "--config", str(matrix), site=site)
    assert first.returncode == 0, first.stdout + first.stderr
    index = json.loads((tmp_path / "runs" / "index.json").read_text())
    assert sorted(r["task"] for r in index["runs"]) == ["arithmetic", "echo[count=1]", "echo[count=2]"]
    assert index["success"] is True
    counts = {}
    for run in index["runs"]:
        record = json.loads(Path(run["record"]).read_text())
        counts[run["task"]] = record["samples"]["total"]
        assert record["metrics"][0]["ci95"] is not None or record["samples"]["total"] < 2
    assert counts["echo[count=1]"] == 1 and counts["echo[count=2]"] == 2
    logs = sorted((tmp_path / "runs").glob("*.eval"))
    stamps = [p.stat().st_mtime_ns for p in logs]
    # re-running resumes: nothing is redone, the index is complete again
    again = run_harness("eval-set", "--config", str(matrix), site=site)
    assert again.returncode == 0, again.stderr
    assert sorted((tmp_path / "runs").glob("*.eval")) == logs
    assert [p.stat().st_mtime_ns for p in logs] == stamps
    assert len(json.loads((tmp_path / "runs" / "index.json").read_text())["runs"]) == 3


def test_a_bad_matrix_is_named_by_line(tmp_path: Path):
    matrix = _matrix(
        tmp_path,
        """\
        log_dir: {log_dir}
        models: [mockllm/model]
        tasks:
          - task: arithmetic
            grid: {{limit: 3}}
    """,
    )
    result = run_harness("eval-set", "--config", str(matrix))
    assert result.returncode == 2
    assert "matrix.yaml:5" in result.stderr and "grid" in result.stderr
