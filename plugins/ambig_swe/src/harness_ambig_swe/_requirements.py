"""`packages: requirements.txt` in SWE-bench's specs: requirements assembled from the repository's own files.

Mirrors swebench 4.1's `get_requirements_by_commit` + `clean_requirements`: the first of the
repository's requirement paths (`MAP_REPO_TO_REQS_PATHS`) that exists at the environment setup
commit, with one level of `-r FILE` includes inlined first, lines starting `-e .`, `#` or `.[test`
dropped, and yanked packages renamed. SWE-bench reads the files from GitHub; here they come from the
local source, at `environment_setup_commit` when the source holds it, else at `base_commit`.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from harness.sandbox import file_at, has_commit

from ._instances import Instance
from ._specs import requirement_paths

_REPLACE = (("types-pkg_resources", "types-setuptools"),)
_EXCLUDED = ("-e .", "#", ".[test")


@dataclass(frozen=True)
class Requirements:
    """The assembled requirements and where they were read."""

    text: str
    path: str
    commit: str


def assemble_requirements(instance: Instance, source: Path) -> Requirements:
    """The instance's requirements text, read from `source`.

    Raises:
        FileNotFoundError: None of the repository's requirement paths exists at the commit.
    """
    commit = instance.environment_setup_commit or instance.base_commit
    if not has_commit(source, commit):
        commit = instance.base_commit
    paths = requirement_paths(instance.repo)
    for path in paths:
        text = file_at(source, commit, path)
        if text is not None:
            return Requirements(_clean(_inline(text, path, source, commit)), path, commit)
    raise FileNotFoundError(f"none of {', '.join(paths) or 'no paths known'} exists at {commit[:12]}")


def _inline(text: str, path: str, source: Path, commit: str) -> str:
    original: list[str] = []
    included: list[str] = []
    directory = posixpath.dirname(path)
    for line in text.split("\n"):
        if line.strip().startswith("-r"):
            name = line.strip()[len("-r") :].strip()
            extra = file_at(source, commit, posixpath.normpath(posixpath.join(directory, name)))
            if extra is not None:
                included += [x for x in extra.split("\n") if not _excluded(x)]
        elif not _excluded(line):
            original.append(line)
    return "\n".join([*included, "\n".join(original)])


def _excluded(line: str) -> bool:
    return any(line.strip().startswith(prefix) for prefix in _EXCLUDED)


def _clean(text: str) -> str:
    for old, new in _REPLACE:
        text = re.sub(rf"^{re.escape(old)}([<>=!~]=?.*|$)", new, text, flags=re.MULTILINE)
    return text
