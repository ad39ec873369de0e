"""A fresh clone is self-contained: nothing in it reads data from beside the repository."""

from __future__ import annotations

import re
import subprocess

from conftest import REPO

# `../shared` is where the project's data was copied from; a path into it works only on the
# machines that made the copy
OUTSIDE = re.compile(r"""\.\./shared|parents?\[\d\]\s*/\s*["']shared["']|parent\s*/\s*["']shared["']""")


def test_no_tracked_file_reads_from_beside_the_repository():
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    offenders = []
    for name in files:
        if not name.endswith((".py", ".md", ".yaml", ".yml", ".toml", ".sh", ".cfg")) and name != ".ci/run":
            continue
        if name == "tests/test_self_contained.py":
            continue
        for number, line in enumerate((REPO / name).read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{name}:{number}: {line.strip()[:100]}")
    assert not offenders, "copy the data into the repository instead:\n" + "\n".join(offenders)
