"""The documentation site builds with --strict (no broken links or references) and stays generated."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_harness


@pytest.mark.slow
def test_the_docs_site_builds_strictly_with_the_api_reference_and_plugin_pages(tmp_path: Path):
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    api = (site / "reference" / "api" / "index.html").read_text()
    for name in ("RunPlan", "conversation_record", "DockerSandboxConfig", "harness_run_start", "conformance_cases"):
        assert name in api, name
    for page in ("ambig-swe", "cooperbench", "decepticon", "lm-eval", "metric-induction"):
        assert (site / "plugins" / page / "index.html").stat().st_size > 5_000, page


def test_the_plugin_directory_page_is_what_harness_list_generates():
    generated = run_harness("list", "--format", "md")
    assert generated.returncode == 0, generated.stderr
    assert (REPO / "docs" / "plugins.md").read_text() == generated.stdout, (
        "docs/plugins.md is stale: regenerate it with `harness list --format md > docs/plugins.md`"
    )
