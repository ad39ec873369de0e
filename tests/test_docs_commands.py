"""Every `console`/`bash` block of README.md and docs/*.md runs as written from a fresh clone.

Each page gets its own copy of the files `git ls-files` names (a fresh clone's layout: nothing a
developer left lying around) with a venv at `.venv` that has the installed packages (see
`chained_venv`), as after the README's set-up. A page's blocks then run in order in one directory,
each as one bash script (`set -euo pipefail`), so a later block sees what an earlier one wrote and
a `cd` lasts to the end of its block. In a `console` block the commands are the lines that start
with `$ ` (other lines are output); in a `bash` block every line is a command. A block right after
`<!-- not-run: REASON -->` is skipped; the reason is required.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from chained_venv import chained_venv
from conftest import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_BLOCK = re.compile(
    r"(?:<!--\s*not-run:(?P<reason>[^>]*?)-->[ \t]*\n(?:[ \t]*\n)*)?^```(?P<lang>console|bash)[ \t]*\n(?P<body>.*?)^```",
    re.DOTALL | re.MULTILINE,
)


@dataclass(frozen=True)
class Block:
    """A shell block of a page: where it starts, its commands, and why it is not run (None: it is run)."""

    line: int
    commands: tuple[str, ...]
    not_run: str | None


def shell_blocks(text: str) -> list[Block]:
    """The `console` and `bash` blocks of a Markdown page, with their commands."""
    blocks = []
    for match in _BLOCK.finditer(text):
        lines = _joined(match["body"].splitlines())
        if match["lang"] == "console":
            commands = [line[2:] for line in lines if line.startswith("$ ")]
        else:
            commands = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
        reason = match["reason"]
        line = text.count("\n", 0, match.start("lang")) + 1
        blocks.append(Block(line, tuple(commands), None if reason is None else reason.strip()))
    return blocks


def _joined(lines: list[str]) -> list[str]:
    """Lines with their backslash continuations joined."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].endswith("\\"):
            out[-1] = out[-1][:-1] + " " + line.strip()
        else:
            out.append(line)
    return out


def test_blocks_are_read_as_a_reader_reads_them():
    page = (
        "<!-- not-run: needs a key -->\n```console\n$ harness eval model=openai/x\n```\n"
        "text\n```console\n$ harness list \\\n    tasks\noutput line\n$ harness info match   # comment\n```\n"
        "```bash\nexport A=1\n# a comment\necho $A\n```\n```python\nprint(1)\n```\n"
    )
    blocks = shell_blocks(page)
    assert [b.not_run for b in blocks] == ["needs a key", None, None]
    assert blocks[1].commands == ("harness list  tasks", "harness info match   # comment")
    assert blocks[2].commands == ("export A=1", "echo $A")
    assert blocks[1].line == 6


def test_every_not_run_block_says_why_and_the_pages_run_something():
    ran = 0
    for page in PAGES:
        for block in shell_blocks(page.read_text()):
            assert block.not_run != "", f"{page.name}:{block.line}: <!-- not-run: REASON --> needs a reason"
            ran += block.not_run is None and bool(block.commands)
    assert ran >= 15, ran


def test_the_readme_shows_how_to_put_harness_on_the_path():
    commands = [c for b in shell_blocks((REPO / "README.md").read_text()) if b.not_run is None for c in b.commands]
    assert commands[:2] == ["source .venv/bin/activate", "harness --version"], commands[:3]


def fresh_clone(into: Path) -> Path:
    """The tracked files of the repository, copied into `into` (a clone's layout), with a venv at `.venv`."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in this checkout is not part of the tree being tested
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)
    chained_venv(into / ".venv")
    return into


def _environment(clone: Path) -> dict[str, str]:
    own = str(REPO / ".venv" / "bin")
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != own]
    unset = {"VIRTUAL_ENV", "PYTHONPATH", "HARNESS_MODEL", "HARNESS_DISABLE_PLUGINS", "PYTEST_ADDOPTS"}
    environment = {k: v for k, v in os.environ.items() if k not in unset and not k.startswith("PYTEST_")}
    environment.update(
        PATH=os.pathsep.join([str(clone / ".venv" / "bin"), *path]),
        PIP_NO_BUILD_ISOLATION="0",  # (pip reads 0 as "no isolation"): build with the venv's setuptools, offline
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        COLUMNS="120",
    )
    return environment


def _runnable(page: Path) -> list[Block]:
    return [b for b in shell_blocks(page.read_text()) if b.not_run is None and b.commands]


@pytest.mark.slow
@pytest.mark.parametrize("page", [p for p in PAGES if _runnable(p)], ids=lambda p: str(p.relative_to(REPO)))
def test_every_command_of_the_page_runs_from_a_fresh_clone(page: Path, tmp_path: Path):
    blocks = _runnable(page)
    clone = fresh_clone(tmp_path / "clone")
    environment = _environment(clone)
    for block in blocks:
        script = "set -euo pipefail\n" + "\n".join(block.commands) + "\n"
        result = subprocess.run(
            ["bash", "-c", script], cwd=clone, env=environment, capture_output=True, text=True, timeout=900
        )
        assert result.returncode == 0, (
            f"{page.relative_to(REPO)}:{block.line}: exit {result.returncode}\n{script}\n"
            f"--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
        )
