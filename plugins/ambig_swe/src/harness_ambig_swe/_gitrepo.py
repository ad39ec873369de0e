"""A deterministic git commit of a file snapshot: the same files always give the same commit hash.

The mini-suite ships each repository as files; the sandbox re-creates the commit with this script,
so `base_commit` in the data is checked for real (`git rev-parse HEAD`).
"""

from __future__ import annotations

FIXED_IDENTITY = {
    "GIT_AUTHOR_NAME": "plugeval",
    "GIT_AUTHOR_EMAIL": "minisuite@plugeval.invalid",
    "GIT_COMMITTER_NAME": "plugeval",
    "GIT_COMMITTER_EMAIL": "minisuite@plugeval.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
}

COMMIT_SCRIPT = (
    'set -e; cd "$1"; git init -q -b main .; git add -A; '
    + " ".join(f"{k}='{v}'" for k, v in FIXED_IDENTITY.items())
    + " git -c commit.gpgsign=false commit -q -m base; git rev-parse HEAD"
)
"""sh script: `sh -c COMMIT_SCRIPT sh DIR` commits DIR's files and prints the hash."""
