"""Unified diffs: split by file, and drop test files from an agent's patch before grading.

An agent's own test files would collide with the hidden tests.patch, so CooperBench grades the
patch without them: a file is a test file when its path contains `/test_`, `/tests/`, `_test.py`,
`/test/` or `tests.py` (a leading `/` is assumed, so `tests/x.py` counts).
"""

from __future__ import annotations

import re

TEST_PATH_MARKERS = ("/test_", "/tests/", "_test.py", "/test/", "tests.py")
_HEADER = re.compile(r"^diff --git (\"?)a/(.+?)\1 (\"?)b/(.+?)\3$")


def is_test_path(path: str) -> bool:
    """Whether CooperBench treats `path` (relative to the repository) as a test file."""
    rooted = "/" + path.lstrip("/")
    return any(marker in rooted for marker in TEST_PATH_MARKERS)


def file_sections(diff: str) -> list[tuple[tuple[str, ...], str]]:
    """The diff cut at each `diff --git` header: (paths named by the header, section text)."""
    sections: list[tuple[tuple[str, ...], str]] = []
    current: list[str] = []
    paths: tuple[str, ...] = ()
    for line in diff.splitlines(keepends=True):
        if line.startswith("diff --git "):
            if current:
                sections.append((paths, "".join(current)))
            match = _HEADER.match(line.rstrip("\n"))
            paths = (match.group(2), match.group(4)) if match else ()
            current = [line]
        else:
            current.append(line)
    if current:
        sections.append((paths, "".join(current)))
    return sections


def drop_test_files(diff: str) -> str:
    """The diff without the sections of test files (text before the first header is kept)."""
    kept = [text for paths, text in file_sections(diff) if not any(is_test_path(p) for p in paths)]
    result = "".join(kept)
    return result if not result or result.endswith("\n") else result + "\n"


def changed_files(diff: str) -> list[str]:
    """The paths a diff touches (its b/ side)."""
    return [paths[-1] for paths, _ in file_sections(diff) if paths]
