"""The `harness` command line (internal). Listing and help import no plugin and not inspect-ai."""

from harness.cli._main import main

__all__ = ["main"]
