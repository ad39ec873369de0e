"""`harness decepticon ...`: generate, validate and check task sets."""

from __future__ import annotations

import argparse


def main(argv: list[str]) -> int:
    """Entry point of `harness decepticon`."""
    parser = argparse.ArgumentParser(prog="harness decepticon", description="DECEPTICON task sets.")
    parser.parse_args(argv)
    return 0
