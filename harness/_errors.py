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
