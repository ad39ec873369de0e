"""Build src/harness_ambig_swe/data/minisuite.jsonl from minisuite/<repo>/ (run after editing a repo).

Each minisuite/<repo>/ holds base/ (the repository at its base commit, tests included), gold/ (files
the gold patch changes), tests/ (test files as the test patch leaves them) and instance.yaml (issue,
summary, hints, test lists). Patches are made by real `git diff`s, so rows are in the published
Ambig-SWE format, plus `repo_files`: the base snapshot the sandbox re-creates.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE / "src"))
from harness_ambig_swe._gitrepo import COMMIT_SCRIPT  # noqa: E402


def files_under(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def diff_after(base: dict[str, str], changes: dict[str, str]) -> tuple[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for path, text in base.items():
            (work / path).parent.mkdir(parents=True, exist_ok=True)
            (work / path).write_text(text)
        commit = subprocess.run(
            ["sh", "-c", COMMIT_SCRIPT, "sh", str(work)], check=True, capture_output=True, text=True
        )
        for path, text in changes.items():
            (work / path).parent.mkdir(parents=True, exist_ok=True)
            (work / path).write_text(text)
        subprocess.run(["git", "-C", str(work), "add", "-A"], check=True)
        diff = subprocess.run(["git", "-C", str(work), "diff", "--cached"], check=True, capture_output=True, text=True)
        return commit.stdout.strip().splitlines()[-1], diff.stdout


def build_row(repo_dir: Path) -> dict:
    meta = yaml.safe_load((repo_dir / "instance.yaml").read_text())
    base = files_under(repo_dir / "base")
    gold = files_under(repo_dir / "gold")
    tests = files_under(repo_dir / "tests")
    base_commit, patch = diff_after(base, gold)
    _, test_patch = diff_after(base, tests)
    name = repo_dir.name
    return {
        "repo": f"minisuite/{name}",
        "instance_id": f"minisuite__{name}-1",
        "base_commit": base_commit,
        "patch": patch,
        "test_patch": test_patch,
        "original_issue": meta["original_issue"],
        "hints_text": meta["hints_text"],
        "created_at": "2026-01-01T00:00:00Z",
        "version": "1.0",
        "FAIL_TO_PASS": json.dumps(meta["FAIL_TO_PASS"]),
        "PASS_TO_PASS": json.dumps(meta["PASS_TO_PASS"]),
        "environment_setup_commit": base_commit,
        "problem_statement": meta["summary"],
        "files": sorted(gold),
        "repo_files": base,
    }


def main() -> None:
    rows = [build_row(d) for d in sorted((HERE / "minisuite").iterdir()) if d.is_dir()]
    out = HERE / "src" / "harness_ambig_swe" / "data" / "minisuite.jsonl"
    out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    print(f"wrote {len(rows)} instances to {out}")


if __name__ == "__main__":
    if shutil.which("git") is None:
        sys.exit("git is required")
    main()
