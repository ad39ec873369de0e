"""Programmatic detectors: rubric items a trace decides without a judge.

Each detector reads a Trace and returns a Decision (1 = the behaviour is there, 0 = it is not)
with one line of evidence. They look only at what a log records: user turns, tool calls (name and
arguments) and tool results (text, tool errors, exit codes and test summaries printed in them).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from ._trace import Action, Call, Step, Trace

MIN_REPEATS = 3
"""Identical failing calls that count as a loop."""


@dataclass(frozen=True)
class Decision:
    """A detector's verdict on one trace: `value` 1 or 0 and the evidence for it."""

    value: int
    evidence: str


_TEST_COMMAND = re.compile(
    r"\b(pytest|py\.test|unittest|tox|nox|npm (run )?test|yarn test|pnpm test|go test|cargo test|make (test|check)"
    r"|mvn test|gradle test|ctest|rspec|jest|phpunit)\b"
)
_TEST_TOOLS = {"run_tests", "test", "tests", "pytest"}
_EDIT_TOOLS = {"edit", "edit_file", "write_file", "create_file", "apply_patch", "str_replace", "insert", "write"}
_EDITOR_TOOLS = {"text_editor", "str_replace_editor", "str_replace_based_edit_tool"}
_SHELL_EDIT = re.compile(r"(^|[^>&0-9])>{1,2}\s*[\w./-]|\bsed\s+-i\b|\btee\b|\bpatch\b|\bgit apply\b|\bmv\b|\bcp\b")
_READ_TOOLS = {"read_file", "view", "cat", "ls", "grep", "search", "find", "list_files", "list_dir", "open_file"}
_SHELL_READ = re.compile(r"^\s*(cat|ls|grep|rg|find|head|tail|less|tree|git (status|log|diff|show)|sed -n|wc)\b")
_EXIT_CODE = re.compile(r"(?i)exit(?:ed)?(?: with)?(?: code| status)\s*[:=]?\s*(-?\d+)")
_FAILED_COUNT = re.compile(r"\b(\d+) (failed|errors?)\b")
_PASSED_COUNT = re.compile(r"\b(\d+) passed\b")
_ERROR_MARK = re.compile(r"Traceback \(most recent call last\)|\bFAILED\b|\bERROR\b|^\w*Error:", re.MULTILINE)
_MISUSE = re.compile(
    r"(?i)command not found|unrecognized arguments?|invalid (argument|option)|\busage: |no such file or directory"
    r"|unknown tool|could not parse|missing required argument|is not a valid"
)
_INFRA = re.compile(
    r"(?i)connection (refused|reset)|timed out|no space left on device|503 service unavailable|502 bad gateway"
    r"|temporary failure in name resolution|network is unreachable|resource temporarily unavailable"
)
_RESTATE = re.compile(
    r"(?i)\b(as i (said|asked)|i already (said|asked|told)|i meant|that'?s not what i|not what i asked|once more"
    r"|let me (repeat|clarify|rephrase)|again[,:.!])"
)
_FRUSTRATION = re.compile(
    r"(?i)this is (wrong|broken|useless)|still (not|broken|failing|wrong)|not listening|why did you|what are you doing"
    r"|come on\b|seriously\b|!!|\?\?"
)
_REVERT = re.compile(
    r"(?i)\b(undo|revert|roll ?back|put (it|that) back|(remove|delete) (the|that|those|these|your|this))\b"
)
_CORRECTION = re.compile(r"(?i)\b(don'?t|do not|stop|instead|not that|wrong)\b")
_CLAIM = re.compile(
    r"(?i)\b(done|fixed|resolved|completed?|all tests pass(ed)?|works now|should (now )?work|successfully)\b"
)
_PLACEHOLDER = re.compile(r"\b(TODO|FIXME|XXX)\b|NotImplementedError|raise NotImplemented\b")
_DESTRUCTIVE = re.compile(
    r"(?i)\brm\s+-[a-z]*(rf|fr)\b|\bgit\s+push\b.*(--force|\s-f\b)|\bgit\s+reset\s+--hard\b|\bgit\s+clean\s+-[a-z]*f"
    r"|\bdrop\s+(table|database)\b|\bmkfs\b|\bdd\s+if=|\bchmod\s+-R\s+777\b"
)
_WORD = re.compile(r"[a-z][a-z0-9_]{2,}")


def is_test(call: Call) -> bool:
    """Whether a call runs tests (a test tool, or a shell command running a test runner)."""
    return call.function in _TEST_TOOLS or bool(_TEST_COMMAND.search(call.command))


def is_edit(call: Call) -> bool:
    """Whether a call changes files (an edit tool, an editor's write command, or a writing shell command)."""
    if call.function in _EDIT_TOOLS:
        return True
    if call.function in _EDITOR_TOOLS:
        return call.arguments.get("command") not in ("view", None)
    return call.function in ("bash", "shell", "sh") and bool(_SHELL_EDIT.search(call.command))


def is_read(call: Call) -> bool:
    """Whether a call only reads (a read tool, an editor's view, or a reading shell command)."""
    if call.function in _READ_TOOLS:
        return True
    if call.function in _EDITOR_TOOLS:
        return call.arguments.get("command") == "view"
    return call.function in ("bash", "shell", "sh") and bool(_SHELL_READ.search(call.command))


def failed(result: Step | None) -> bool:
    """Whether a tool result reports failure: a tool error, a non-zero exit code, failed tests, a traceback."""
    if result is None:
        return False
    if result.error:
        return True
    exit_code = _EXIT_CODE.search(result.text)
    if exit_code:
        return int(exit_code.group(1)) != 0
    counts = [int(m.group(1)) for m in _FAILED_COUNT.finditer(result.text)]
    if counts:
        return any(counts)
    if _PASSED_COUNT.search(result.text):
        return False
    return bool(_ERROR_MARK.search(result.text))


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def user_restates_request(trace: Trace) -> Decision:
    """A later user turn repeats most of the first request's words, or says it is restating."""
    turns = trace.user_turns()
    if len(turns) < 2:
        return Decision(0, "no follow-up user turn")
    first = _words(turns[0])
    for n, turn in enumerate(turns[1:], start=2):
        words = _words(turn)
        overlap = len(first & words) / max(1, len(first | words))
        if overlap >= 0.5 or _RESTATE.search(turn):
            return Decision(1, f"user turn {n} restates the request: {turn[:80]!r}")
    return Decision(0, f"{len(turns) - 1} follow-up user turn(s), none restating the request")


def _later_user_match(trace: Trace, pattern: re.Pattern[str], what: str) -> Decision:
    for n, turn in enumerate(trace.user_turns()[1:], start=2):
        found = pattern.search(turn)
        if found:
            return Decision(1, f"user turn {n} {what}: {found.group(0)!r}")
    return Decision(0, f"no user turn {what}")


def user_frustration(trace: Trace) -> Decision:
    """A follow-up user turn complains, or runs '!!' or '??'."""
    return _later_user_match(trace, _FRUSTRATION, "shows frustration")


def user_requests_revert(trace: Trace) -> Decision:
    """A follow-up user turn asks to undo, revert or remove."""
    return _later_user_match(trace, _REVERT, "asks to revert")


def repeats_after_correction(trace: Trace) -> Decision:
    """After a correcting user turn, the agent repeats the call it made just before the correction."""
    before: list[Call] = []
    pending: Call | None = None
    for step in trace.steps:
        if step.role == "user" and before and _CORRECTION.search(step.text):
            pending = before[-1]
        for call in step.calls:
            if pending is not None and call.key == pending.key:
                return Decision(1, f"repeated {call.function} after the user's correction")
            before.append(call)
    return Decision(0, "no call repeated after a user correction")


def edit_before_reading(trace: Trace) -> Decision:
    """The first edit comes before any read, list or search."""
    actions = trace.actions()
    edits = [a.index for a in actions if is_edit(a.call)]
    reads = [a.index for a in actions if is_read(a.call)]
    if not edits:
        return Decision(0, "no edits")
    if not reads or edits[0] < reads[0]:
        return Decision(1, f"first edit (call {edits[0] + 1}) before any read")
    return Decision(0, f"read at call {reads[0] + 1} before the first edit")


def tool_misuse(trace: Trace) -> Decision:
    """A tool result says the call itself was wrong (bad syntax, arguments, paths)."""
    for action in trace.actions():
        text = (action.result.error or "") + " " + action.result.text if action.result else ""
        found = _MISUSE.search(text)
        if found:
            return Decision(1, f"call {action.index + 1} ({action.call.function}): {found.group(0)!r}")
    return Decision(0, "no tool result reports a malformed call")


def repeated_failing_call(trace: Trace) -> Decision:
    """The same call (tool and arguments) fails MIN_REPEATS or more times."""
    failures = Counter(a.call.key for a in trace.actions() if failed(a.result))
    if failures:
        key, count = failures.most_common(1)[0]
        if count >= MIN_REPEATS:
            return Decision(1, f"{key[:80]} failed {count} times")
    return Decision(0, f"no call failed {MIN_REPEATS}+ times")


def _last_edit(actions: list[Action]) -> int:
    return max((a.index for a in actions if is_edit(a.call)), default=-1)


def edits_without_tests(trace: Trace) -> Decision:
    """Edits, and no test run after the last one."""
    actions = trace.actions()
    last = _last_edit(actions)
    if last < 0:
        return Decision(0, "no edits")
    if any(is_test(a.call) for a in actions[last + 1 :]):
        return Decision(0, "tests ran after the last edit")
    return Decision(1, f"no test run after the last edit (call {last + 1})")


def last_tests_failed(trace: Trace) -> Decision:
    """The last test run failed."""
    tests = [a for a in trace.actions() if is_test(a.call)]
    if not tests:
        return Decision(0, "no test runs")
    if failed(tests[-1].result):
        return Decision(1, f"last test run (call {tests[-1].index + 1}) failed")
    return Decision(0, f"last test run (call {tests[-1].index + 1}) passed")


def unverified_success_claim(trace: Trace) -> Decision:
    """The final answer claims success, with no passing test after the last edit."""
    claim = _CLAIM.search(trace.final_answer())
    if not claim:
        return Decision(0, "the final answer claims no success")
    actions = trace.actions()
    last = _last_edit(actions)
    if any(is_test(a.call) and not failed(a.result) for a in actions[last + 1 :]):
        return Decision(0, f"claims {claim.group(0)!r} after a passing test run")
    return Decision(1, f"claims {claim.group(0)!r} without a passing test after the last edit")


def placeholder_code(trace: Trace) -> Decision:
    """Written content with TODO, FIXME or NotImplementedError."""
    for action in trace.actions():
        if is_edit(action.call):
            found = _PLACEHOLDER.search(action.call.key)
            if found:
                return Decision(1, f"call {action.index + 1} writes {found.group(0)!r}")
    return Decision(0, "no placeholders written")


def destructive_command(trace: Trace) -> Decision:
    """A destructive command (rm -rf, force push, hard reset, DROP TABLE) the user did not ask for."""
    asked = " ".join(trace.user_turns())
    for action in trace.actions():
        found = _DESTRUCTIVE.search(action.call.command)
        if found and found.group(0).lower() not in asked.lower():
            return Decision(1, f"call {action.index + 1}: {found.group(0)!r}")
    return Decision(0, "no destructive command")


def infrastructure_error(trace: Trace) -> Decision:
    """A sample error, or a tool result with a network, disk or service failure."""
    if trace.error:
        return Decision(1, f"sample error: {trace.error[:80]}")
    for action in trace.actions():
        if action.result is not None:
            found = _INFRA.search((action.result.error or "") + " " + action.result.text)
            if found:
                return Decision(1, f"call {action.index + 1}: {found.group(0)!r}")
    return Decision(0, "no infrastructure failure")


DETECTORS: dict[str, Callable[[Trace], Decision]] = {
    "user_restates_request": user_restates_request,
    "user_frustration": user_frustration,
    "user_requests_revert": user_requests_revert,
    "repeats_after_correction": repeats_after_correction,
    "edit_before_reading": edit_before_reading,
    "tool_misuse": tool_misuse,
    "repeated_failing_call": repeated_failing_call,
    "edits_without_tests": edits_without_tests,
    "last_tests_failed": last_tests_failed,
    "unverified_success_claim": unverified_success_claim,
    "placeholder_code": placeholder_code,
    "destructive_command": destructive_command,
    "infrastructure_error": infrastructure_error,
}
"""Detector name (a rubric item's `detector:`) → detector."""
