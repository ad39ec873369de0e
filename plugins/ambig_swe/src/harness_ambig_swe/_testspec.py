"""What the scorer runs: SWE-bench's evaluation script (swebench 4.1 `make_eval_script_list_py`), offline.

Reset the test files the test patch modifies, apply it, run the spec's test command on the test
files the patch touches (Django's as dotted module names), read only the output between the start
and end markers. The spec's `eval_commands` and `install` run first, as in SWE-bench (so a package
installed non-editably picks up the agent's change); pip finds its wheels in the image's wheelhouse.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

START = ">>>>> Start Test Output"
END = ">>>>> End Test Output"
PATCH_FAILED = ">>>>> Test patch did not apply"
TEST_PATCH_PATH = "/tmp/ambig_swe_test.patch"

_NON_TEST_EXTS = (".json", ".png", "csv", ".txt", ".md", ".jpg", ".jpeg", ".pkl", ".yml", ".yaml", ".toml")
_DIFF = re.compile(r"diff --git a/.* b/(.*)")
_MODIFIED = re.compile(r"^--- a/(.*)$", re.MULTILINE)
_PATCHED = re.compile(r"^diff --git a/(\S+) b/", re.MULTILINE)


def test_directives(repo: str, test_patch: str) -> list[str]:
    """The test files the patch touches (swebench's `get_test_directives`); Django's as module names."""
    directives = [d for d in _DIFF.findall(test_patch) if not d.endswith(_NON_TEST_EXTS)]
    if repo == "django/django":
        directives = [
            (d[: -len(".py")] if d.endswith(".py") else d).removeprefix("tests/").replace("/", ".") for d in directives
        ]
    return directives


def modified_files(patch: str) -> list[str]:
    """Files the patch changes that exist before it (swebench's `get_modified_files`)."""
    return _MODIFIED.findall(patch)


def patched_files(patch: str) -> list[str]:
    """Every file the patch touches."""
    return _PATCHED.findall(patch)


@dataclass(frozen=True)
class TestPlan:
    """The scorer's script and how to read its output; travels in sample metadata as a dict."""

    script: str
    parser: str
    rerun: str | None = None
    """The same script with the test command taking test ids as arguments (`bash -c RERUN bash ID...`),
    to run failing tests again alone; None when the runner has no way to name single tests (then the
    whole script runs again)."""

    def to_dict(self) -> dict[str, str | None]:
        """As sample metadata."""
        return {"script": self.script, "parser": self.parser, "rerun": self.rerun}


def eval_script(
    *,
    repo_dir: str,
    base_ref: str,
    reset: Sequence[str],
    remove: Sequence[str] = (),
    test_command: str,
    install: str = "",
    eval_commands: tuple[str, ...] = (),
    prelude: tuple[str, ...] = (),
) -> str:
    """A bash script: set up, reset test files, apply TEST_PATCH_PATH, run the tests between markers.

    Args:
        repo_dir: The repository in the sandbox.
        base_ref: The commit the test files are reset to.
        reset: Files restored from `base_ref` before and after the run.
        remove: Files deleted before the run when `base_ref` lacks them (the mini-suite's new test files).
        test_command: The test command with its directives.
        install: The spec's install command, re-run so the agent's change is what gets tested.
        eval_commands: The spec's commands before the run (environment variables, locales).
        prelude: Commands that activate the environment (e.g. conda in SWE-bench's images).
    """
    quoted = " ".join(shlex.quote(f) for f in reset)
    restore = f"git checkout -q {shlex.quote(base_ref)} -- {quoted}" if reset else ":"
    lines = [
        *prelude,
        f"cd {shlex.quote(repo_dir)}",
        *eval_commands,
        f"git config --global --add safe.directory {shlex.quote(repo_dir)} 2>/dev/null || true",
    ]
    if install:
        lines.append(f"{install} >/tmp/ambig_swe_install.log 2>&1 || {{ tail -n 20 /tmp/ambig_swe_install.log; }}")
    lines += [
        restore,
        *(
            f"git cat-file -e {shlex.quote(base_ref)}:{shlex.quote(f)} 2>/dev/null || rm -f {shlex.quote(f)}"
            for f in remove
        ),
        f"git apply -v {TEST_PATCH_PATH} || {{ echo '{PATCH_FAILED}'; exit 1; }}",
        f"echo '{START}'",
        test_command,
        "status=$?",
        f"echo '{END}'",
        restore,
        'exit "$status"',
    ]
    return "\n".join(lines) + "\n"


def test_output(log: str) -> str | None:
    """The part of the script's output between the markers, or None when the run never got there."""
    if PATCH_FAILED in log or START not in log:
        return None
    return log.split(START, 1)[1].split(END, 1)[0]
