"""Resolved or not, the way SWE-bench grades (swebench 4.1 `grading.py`), and why a run cannot count.

A required test (FAIL_TO_PASS or PASS_TO_PASS) succeeds when it PASSED or XFAILed and fails when it
FAILED, ERRORed or is missing from the log; a skipped one counts neither way. Resolved = no required
test fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NETWORK = re.compile(
    r"Temporary failure in name resolution|Name or service not known|No address associated with hostname"
    r"|nodename nor servname|getaddrinfo failed|Failed to resolve|Network is unreachable|NameResolutionError"
    r"|NewConnectionError|Failed to establish a new connection|Max retries exceeded with url",
)


@dataclass(frozen=True)
class Grade:
    """The outcome of one test run against an instance's required tests."""

    resolved: bool
    fail_to_pass: dict[str, str]
    pass_to_pass: dict[str, str]
    failing: list[str] = field(default_factory=list)


def grade(statuses: dict[str, str], fail_to_pass: list[str], pass_to_pass: list[str]) -> Grade:
    """Grade parsed test statuses; a required test absent from `statuses` is MISSING (a failure)."""
    f2p = {t: statuses.get(t, "MISSING") for t in fail_to_pass}
    p2p = {t: statuses.get(t, "MISSING") for t in pass_to_pass}
    failing = [t for t, status in {**f2p, **p2p}.items() if status in ("FAILED", "ERROR", "MISSING")]
    return Grade(not failing, f2p, p2p, failing)


def needs_network(log: str) -> bool:
    """Whether the run's output shows tests failing to reach the network (a sandbox has none)."""
    return bool(_NETWORK.search(log))
