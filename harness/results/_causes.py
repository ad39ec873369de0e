"""The real cause of an error inspect logged: retry and group wrappers unwrapped.

inspect logs an error as its message (`repr` of the exception) and its formatted traceback.
A provider call that failed under tenacity is logged as `RetryError(<Future at 0x... state=finished
raised FlakyError>)`; a fault inside a task group as `ExceptionGroup(...)`. The traceback holds
the chained exceptions (`FlakyError: provider down`), so the cause is the last exception line
there that is not a wrapper. Module paths are dropped from what a user reads, and kept to tell
whether the cause is an infrastructure fault (`harness.InfraError` or a subclass).
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from typing import Any

WRAPPERS = frozenset({"RetryError", "ExceptionGroup", "BaseExceptionGroup"})
# `pkg.module.Name`, or `module.function.<locals>.Name` for a class defined in a function
_EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.<>]*(?:Error|Exception|Exit|Interrupt|Timeout)\w*)(?::\s(.*))?$")
_REPR = re.compile(r"^([A-Za-z_][\w.]*)\((.*)\)$", re.DOTALL)
_FUTURE = re.compile(r"raised (\w+)>")
_GROUP_MARGIN = re.compile(r"^[\s|]*")


@dataclass(frozen=True)
class Cause:
    """What went wrong, as a user can act on it.

    Attributes:
        type: The exception's class name (`FlakyError`), or "" when the message names none.
        qualified: The class name as the traceback gives it (`pkg.module.FlakyError`), when known.
        text: `Type: message`, or the message as logged when no cause can be read from it.
    """

    type: str
    qualified: str
    text: str

    @property
    def infra(self) -> bool:
        """Whether the cause is a `harness.InfraError` (by its class, when importable here, else its name)."""
        return is_infra_error(self.qualified or self.type)


def cause_of(message: str | None, traceback: str | None = None) -> Cause:
    """The innermost non-wrapper exception of an inspect error (`EvalError` message and traceback)."""
    message = str(message or "").strip()
    found = [_EXCEPTION_LINE.match(_GROUP_MARGIN.sub("", line)) for line in str(traceback or "").splitlines()]
    causes = [m for m in found if m and _short(m.group(1)) not in WRAPPERS]
    if causes:
        last = causes[-1]
        detail = (last.group(2) or "").strip()
        name = _short(last.group(1))
        return Cause(name, last.group(1), f"{name}: {detail}" if detail else name)
    return _from_message(message)


def error_cause(error: Any) -> Cause:
    """`cause_of` for an inspect `EvalError`, or for the plain message a sample summary holds."""
    if isinstance(error, str):
        return cause_of(error)
    return cause_of(getattr(error, "message", None), getattr(error, "traceback", None))


def _from_message(message: str) -> Cause:
    """A cause read from a logged message alone: `Name('text')` or `Name: text`."""
    future = _FUTURE.search(message)
    if future and _short(message.split("(")[0].split("[")[0]) in WRAPPERS:
        return Cause(future.group(1), "", f"{future.group(1)} (its message was not logged)")
    found = _REPR.match(message)
    if found:
        name = _short(found.group(1))
        try:
            args = ast.literal_eval(f"({found.group(2)},)")
            detail = str(args[0]) if len(args) == 1 else ", ".join(map(str, args))
        except (ValueError, SyntaxError):
            detail = found.group(2)
        return Cause(name, found.group(1), f"{name}: {detail}" if detail else name)
    line = _EXCEPTION_LINE.match(message.splitlines()[0] if message else "")
    if line:
        name = _short(line.group(1))
        return Cause(name, line.group(1), f"{name}: {line.group(2)}" if line.group(2) else name)
    return Cause("", "", message)


def is_infra_error(name: str) -> bool:
    """Whether the exception class named `name` (dotted or short) is `harness.InfraError` or a subclass.

    A subclass is recognised when its module is already imported (it is, in the process that ran
    the sample); otherwise only the name `InfraError` itself is.
    """
    if _short(name) == "InfraError":
        return True
    module_name, _, class_name = name.rpartition(".")
    module = sys.modules.get(module_name) if module_name else None
    found = getattr(module, class_name, None) if module is not None else None
    from harness._errors import InfraError

    return isinstance(found, type) and issubclass(found, InfraError)


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]
