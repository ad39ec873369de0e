"""The project's own plugin packages, so a name they provide can be answered with how to install it.

`task=ambig_swe` or `harness induce` on an installation without the package that provides it
should say which package that is and the exact `pip install` line, not just "unknown task".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownPackage:
    """A package of the project (or one it works with) and what it provides.

    Attributes:
        dist: Its distribution name on PyPI.
        directory: Its directory in a clone of the repository (`plugins/...`), or None.
        tasks: Task names it registers (a trailing `/` means a prefix, e.g. `inspect_evals/`).
        commands: `harness` subcommands it adds.
    """

    dist: str
    directory: str | None
    tasks: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()

    @property
    def installed(self) -> bool:
        """Whether a distribution of that name is installed."""
        from importlib import metadata

        try:
            metadata.distribution(self.dist)
        except metadata.PackageNotFoundError:
            return False
        return True

    @property
    def install(self) -> str:
        """The install line: from PyPI, and from a clone when it lives in the repository."""
        line = f"pip install {self.dist}"
        return f"{line} (in a clone of plugeval: pip install -e {self.directory})" if self.directory else line


KNOWN_PACKAGES = (
    KnownPackage("plugeval-ambig-swe", "plugins/ambig_swe", tasks=("ambig_swe",)),
    KnownPackage("plugeval-cooperbench", "plugins/cooperbench", tasks=("cooperbench",)),
    KnownPackage("plugeval-decepticon", "plugins/decepticon", tasks=("decepticon",), commands=("decepticon",)),
    KnownPackage("plugeval-lm-eval", "plugins/lm_eval", tasks=("lm_eval",)),
    KnownPackage("plugeval-metric-induction", "plugins/metric_induction", commands=("induce",)),
    KnownPackage(
        "plugeval-critic-rubrics", "plugins/critic_rubrics", tasks=("critic_synthetic",), commands=("critic",)
    ),
    KnownPackage("plugeval-lend-an-ear", "plugins/lend_an_ear", tasks=("lend_an_ear",), commands=("lend-an-ear",)),
    KnownPackage("plugeval-stateful-swe", "plugins/stateful_swe", tasks=("stateful_swe",), commands=("stateful-swe",)),
    KnownPackage("inspect-evals", None, tasks=("inspect_evals/",)),
)


def missing_package_for_task(name: str) -> KnownPackage | None:
    """The known package that would provide task `name`, when it is not installed."""
    for package in KNOWN_PACKAGES:
        for task in package.tasks:
            if (name == task or (task.endswith("/") and name.startswith(task))) and not package.installed:
                return package
    return None


def missing_package_for_command(name: str) -> KnownPackage | None:
    """The known package that would add the `harness NAME` subcommand, when it is not installed."""
    return next((p for p in KNOWN_PACKAGES if name in p.commands and not p.installed), None)
