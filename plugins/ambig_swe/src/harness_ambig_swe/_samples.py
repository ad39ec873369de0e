"""Samples: a mini-suite instance (files + setup in the shared sandbox) or a real one (its own image)."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import Any

from inspect_ai.dataset import Sample
from inspect_ai.util import SandboxEnvironmentSpec

from ._gitrepo import COMMIT_SCRIPT
from ._instances import Instance
from ._prompts import REPO_DIR
from ._real import LocalBuilder, NotRun, Prepared, from_swebench_image, no_source_error
from ._testspec import TestPlan, eval_script, modified_files, patched_files


def minisuite_plan(instance: Instance) -> TestPlan:
    """pytest `-rA` on the instance's required test ids; test files the patch adds are removed first."""
    tests = " ".join(shlex.quote(t) for t in instance.FAIL_TO_PASS + instance.PASS_TO_PASS)

    def script(selected: str) -> str:
        return eval_script(
            repo_dir=REPO_DIR,
            base_ref="HEAD",
            reset=modified_files(instance.test_patch),
            remove=patched_files(instance.test_patch),
            test_command=f"python3 -m pytest -rA -q -p no:cacheprovider {selected}",
        )

    return TestPlan(script(tests), "pytest", rerun=script('"$@"'))


def minisuite_sample(instance: Instance, text: str, metadata: dict[str, Any]) -> Sample:
    """A mini-suite instance: its files are copied in and committed, and the commit checked against base_commit."""
    assert instance.repo_files is not None
    setup = (
        f"set -e\nsh -c {shlex.quote(COMMIT_SCRIPT)} sh {REPO_DIR} > /tmp/base_commit\n"
        f'test "$(tail -n 1 /tmp/base_commit)" = "{instance.base_commit}" || '
        f'{{ echo "repository snapshot does not match base_commit {instance.base_commit}" >&2; exit 1; }}\n'
    )
    return Sample(
        id=instance.instance_id,
        input=text,
        target="resolved",
        files={f"{REPO_DIR}/{path}": content for path, content in instance.repo_files.items()},
        setup=setup,
        metadata={**metadata, "repo_dir": REPO_DIR, "test_plan": minisuite_plan(instance).to_dict()},
    )


class RealInstances:
    """Turns real instances into samples: SWE-bench's images, or images built from local sources."""

    def __init__(
        self,
        repos: dict[str, str] | None,
        instance_image: str | None,
        validate: bool = True,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self._image = instance_image
        self._builder = LocalBuilder(repos, validate, log) if repos else None
        self._prepared: dict[str, Prepared | NotRun] = {}

    def sample(self, instance: Instance, text: str, metadata: dict[str, Any]) -> Sample | NotRun:
        """The instance's sample, or why it cannot run here (built once per instance per task)."""
        if instance.instance_id not in self._prepared:
            self._prepared[instance.instance_id] = self._prepare(instance)
        prepared = self._prepared[instance.instance_id]
        if isinstance(prepared, NotRun):
            return prepared
        return Sample(
            id=instance.instance_id,
            input=text,
            target="resolved",
            sandbox=SandboxEnvironmentSpec("harness-docker", prepared.sandbox),
            metadata={**metadata, "repo_dir": prepared.repo_dir, "test_plan": prepared.plan.to_dict()},
        )

    def _prepare(self, instance: Instance) -> Prepared | NotRun:
        if self._image:
            return from_swebench_image(instance, self._image)
        if self._builder is None:
            raise no_source_error(instance)
        return self._builder.prepare(instance)
