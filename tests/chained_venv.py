"""A real virtual environment that sees this test interpreter's packages, for running commands as a user would.

`chained_venv(root)` makes `root` a venv (`python -m venv --without-pip`, seconds) whose own
site-packages take `pip install`s while the packages of the venv running the tests (the harness,
its plugins, inspect-ai) stay visible through a `.pth` file. `bin/harness`, `bin/pip`, `bin/pytest`
and `bin/activate` work as in a venv built by the README's set-up, without compiling anything again
and without touching the shared environment. `exclude` hides installed distributions (by the
start of their site-packages entry names), to see the harness as it is without a plugin.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Iterable

_SCRIPTS = {
    "harness": "from harness.cli import main",
    "pip": "from pip._internal.cli.main import main",
    "pytest": "from pytest import console_main as main",
    "twine": "from twine.__main__ import main",
}


def chained_venv(root: Path, exclude: Iterable[str] = ()) -> Path:
    """Create the venv at `root`; returns its `bin` directory."""
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)  # type: ignore[attr-defined]
    own = Path(sysconfig.get_paths(vars={"base": str(root), "platbase": str(root)})["purelib"])
    shared = Path(sysconfig.get_paths()["purelib"])
    hidden = tuple(exclude)
    if hidden:
        view = root / "shared-site-packages"
        view.mkdir()
        for entry in shared.iterdir():
            if not entry.name.startswith(hidden):
                (view / entry.name).symlink_to(entry)
        shared = view
    (own / "_plugeval_shared.pth").write_text(f"import site; site.addsitedir({str(shared)!r})\n")
    bin_dir = root / "bin"
    for name, line in _SCRIPTS.items():
        script = bin_dir / name
        script.write_text(f"#!{bin_dir / 'python'}\nimport sys\n{line}\nsys.exit(main())\n")
        script.chmod(0o755)
    return bin_dir
