"""`harness sandbox ...`: build the base image, list and remove left-behind containers."""

from __future__ import annotations

import argparse
from typing import Any

_BASE_IMAGE_SETTINGS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "suite": {
            "type": "string",
            "enum": ["bookworm", "bullseye", "trixie"],
            "default": "bookworm",
            "description": "Debian suite: bookworm (Python 3.11), bullseye (3.9), trixie (3.13)",
        },
        "tag": {"type": "string", "minLength": 1, "description": "image tag (default plugeval/base:<suite>)"},
        "mirror": {"type": "string", "minLength": 1, "description": "Debian mirror for debootstrap"},
    },
}

_EPILOG = """\
examples:
  harness sandbox base-image              build plugeval/base:bookworm once (debootstrap, needs root)
  harness sandbox base-image suite=bullseye   plugeval/base:bullseye (Python 3.9; trixie: 3.13)
  harness sandbox ps                      containers harness runs have started
  harness sandbox cleanup                 remove containers whose run's process is gone
  harness sandbox cleanup RUN_ID          remove one run's containers
  harness sandbox cleanup --all           remove every harness container, even of live runs
"""


def add_sandbox_commands(commands: argparse._SubParsersAction) -> None:
    """Register `harness sandbox` and its subcommands on the top-level parser."""
    sandbox = commands.add_parser(
        "sandbox",
        help="manage Docker sandboxes (base image, cleanup)",
        description="Manage the harness-docker sandboxes: build the base image, list and clean up containers.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = sandbox.add_subparsers(dest="sandbox_command", metavar="ACTION", required=True)

    base = actions.add_parser(
        "base-image",
        help="build plugeval/base:<suite> (default bookworm) with debootstrap + docker import",
        description="Build the Debian base image (python3, pip, venv, git; user `agent`) without a registry. "
        "suite=bookworm (default, Python 3.11), suite=bullseye (3.9) or suite=trixie (3.13) builds "
        "plugeval/base:<suite>. Reuses the image when present unless --force.",
    )
    base.add_argument("settings", nargs="*", metavar="KEY=VALUE", help="suite=..., tag=..., mirror=...")
    base.add_argument("--tag", default=None, help="image tag (default plugeval/base:<suite>)")
    base.add_argument("--mirror", default=None, help="Debian mirror for debootstrap (default deb.debian.org)")
    base.add_argument("--force", action="store_true", help="rebuild even when the image exists")
    base.set_defaults(handler=_cmd_base_image)

    ps = actions.add_parser("ps", help="list containers started by harness runs")
    ps.set_defaults(handler=_cmd_ps)

    cleanup = actions.add_parser(
        "cleanup",
        help="remove containers a killed run left behind",
        description="Remove containers labelled plugeval.run. Without RUN_ID: those whose owning process "
        "is gone (a run killed before its teardown).",
    )
    cleanup.add_argument("run_id", nargs="?", help="only this run's containers (live or not)")
    cleanup.add_argument("--all", action="store_true", help="also remove containers of runs still going")
    cleanup.set_defaults(handler=_cmd_cleanup)


def _cmd_base_image(args: argparse.Namespace) -> int:
    from harness.config._key_values import parse_key_values
    from harness.sandbox._base_image import build_base_image

    settings = parse_key_values(args.settings, _BASE_IMAGE_SETTINGS, example="suite=bullseye").values
    build_base_image(
        args.tag or settings.get("tag"),
        suite=settings.get("suite", "bookworm"),
        mirror=args.mirror or settings.get("mirror") or "http://deb.debian.org/debian",
        force=args.force,
    )
    return 0


def _cmd_ps(args: argparse.Namespace) -> int:
    from harness.sandbox._cleanup import list_containers

    containers = list_containers()
    if not containers:
        print("no harness containers")
        return 0
    print(f"{'CONTAINER':<14}{'RUN':<16}{'STATE':<10}{'OWNER':<28}ALIVE")
    for c in containers:
        print(f"{c.id[:12]:<14}{c.run_id:<16}{c.status:<10}{c.owner:<28}{'yes' if c.owner_alive else 'no'}")
    return 0


def _cmd_cleanup(args: argparse.Namespace) -> int:
    from harness.sandbox._cleanup import remove_containers

    removed = remove_containers(run_id=args.run_id, everything=args.all)
    runs = sorted({c.run_id for c in removed})
    print(f"removed {len(removed)} container(s)" + (f" of run(s) {', '.join(runs)}" if runs else ""))
    return 0
