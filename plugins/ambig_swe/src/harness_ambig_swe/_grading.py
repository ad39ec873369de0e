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


def needs_network(output: str, failing: list[str]) -> bool:
    """Whether the failing required tests fail for want of a network (a sandbox has none).

    With pytest's summary lines (`FAILED test - message`): some failing test's message is a network
    error and none is another error. Without them (other runners), a network error anywhere in the log.
    """
    messages: dict[str, str] = {}
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")) and " - " in line:
            test, _, message = line.split(" ", 1)[1].partition(" - ")
            messages[test.strip()] = message
    known = [messages[test] for test in failing if test in messages]
    if not known:
        return bool(_NETWORK.search(output))
    return all(_NETWORK.search(message) for message in known)
