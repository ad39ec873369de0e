"""Error types. Each carries the one-line message a user sees; the CLI exits 2 on them."""

from __future__ import annotations


class HarnessError(Exception):
    """Base class of every error the harness reports to a user.

    The message is complete on its own: it names what is wrong and, where
    there is one, the fix. The CLI prints it as one line and exits with
    `exit_code`.
    """

    exit_code: int = 2


class ConfigError(HarnessError):
    """A run configuration, override or declarative file is invalid."""


class PluginNotFoundError(HarnessError):
    """No installed plugin has the requested name."""


class AmbiguousPluginError(HarnessError):
    """Several distributions register the requested short name."""


class PluginLoadError(HarnessError):
    """A plugin could not be imported or is not the right kind of object."""


class ResultsError(HarnessError):
    """A results record is invalid or cannot be written."""


class StorageError(HarnessError):
    """A file the harness writes could not be written; the message names the path and the fix.

    A full disk or quota is not bad input: those exit 1 (the run failed). A missing, read-only
    or forbidden location is a setting to change: exit 2.
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class InfraError(Exception):
    """A fault of the infrastructure, not of the agent: a browser or sandbox timeout, a container
    that will not start, an image build that failed, a test run that died under load.

    Raise it (``raise InfraError("browser navigation timed out: ...") from exc``) from a solver,
    tool, scorer or sandbox where the cause lies outside the agent's control. The sample then
    ends as an error, not as a score: the harness retries it (run option ``infra_retries``) and,
    if it still fails, counts it in the record's ``samples.infra_errors``, apart from the score's
    n, with this message as its cause. Put the real cause in the message (the Playwright or
    Docker error), not its consequence.
    """


def storage_error(path: object, error: OSError) -> StorageError:
    """A `StorageError` for `error` raised while writing `path`."""
    import errno

    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageError(f"no space left on the device holding {path}; free space there or write elsewhere", 1)
    return StorageError(
        f"cannot write {path}: {error.strerror or error}; choose another location or fix its permissions"
    )
