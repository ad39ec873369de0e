"""Real SWE-bench instances: each becomes a sandbox and a test plan, or a reason it cannot run here.

Two ways: SWE-bench's own instance images (`task.instance_image=TEMPLATE`, pulled with network), or
images built here from local sources (`task.repos`): the base image for the spec's Python, the
environment, the repository at its base commit; then the gold patch must resolve the instance in
that image, else it is reported as not run (its tests need the internet, or the environment differs).
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness import ConfigError, DockerSandboxConfig

from ._build import BuildFailed, base_image_id, ensure_image
from ._goldrun import GoldRun, gold_run
from ._instances import Instance
from ._logparse import PARSER_BY_REPO
from ._recipe import REPO_DIR, recipe
from ._requirements import assemble_requirements
from ._sources import MissingCommit, open_source, require_commit
from ._specs import BASE_IMAGE_COMMANDS, EnvironmentSpec, UnsupportedSpec, spec_for
from ._testspec import TestPlan, eval_script, modified_files, test_directives

SWEBENCH_REPO_DIR = "/testbed"
_CONDA = ("source /opt/miniconda3/bin/activate", "conda activate testbed")


@dataclass(frozen=True)
class Prepared:
    """A runnable real instance: its sandbox, where the repository is, and the scorer's test plan."""

    sandbox: DockerSandboxConfig
    repo_dir: str
    plan: TestPlan
    build_seconds: float = 0.0
    gold: GoldRun | None = None


@dataclass(frozen=True)
class NotRun:
    """An instance that cannot run here, and why (kind: source, spec, python, base-image, build, network, gold)."""

    instance_id: str
    kind: str
    reason: str

    def line(self) -> str:
        """One line for the run's output."""
        return f"{self.instance_id}: {self.reason}"


def test_plan(instance: Instance, spec: EnvironmentSpec, repo_dir: str, prelude: tuple[str, ...] = ()) -> TestPlan:
    """SWE-bench's evaluation for the instance: its spec's install and test command, its repo's log parser."""
    directives = test_directives(instance.repo, instance.test_patch)
    parser = PARSER_BY_REPO.get(instance.repo, "pytest")

    def script(selected: str) -> str:
        return eval_script(
            repo_dir=repo_dir,
            base_ref=instance.base_commit,
            reset=modified_files(instance.test_patch),
            test_command=f"{spec.test_cmd} {selected}",
            install=spec.install,
            eval_commands=spec.eval_commands,
            prelude=prelude,
        )

    # pytest's parser reports node ids pytest takes back; the other runners' ids cannot name single tests
    rerun = script('"$@"') if parser == "pytest" else None
    return TestPlan(script(" ".join(shlex.quote(d) for d in directives)), parser, rerun)


def from_swebench_image(instance: Instance, template: str) -> Prepared | NotRun:
    """The instance in SWE-bench's own image (`{id}`/`{id_docker}` filled in; conda env `testbed`)."""
    try:
        spec = spec_for(instance)
    except UnsupportedSpec as ex:
        return NotRun(instance.instance_id, "spec", str(ex))
    image = template.format(id=instance.instance_id, id_docker=instance.instance_id.replace("__", "_1776_"))
    sandbox = DockerSandboxConfig(image=image, workdir=SWEBENCH_REPO_DIR, user="root", memory="4g", pool_size=0)
    return Prepared(sandbox, SWEBENCH_REPO_DIR, test_plan(instance, spec, SWEBENCH_REPO_DIR, _CONDA))


class LocalBuilder:
    """Builds instance images from local sources (`task.repos`), each once per content hash."""

    def __init__(self, repos: dict[str, str], validate: bool = True, log: Callable[[str], None] | None = None) -> None:
        self._given = {name.strip().lower(): (name, path) for name, path in repos.items()}
        self._opened: dict[str, Path] = {}
        self._validate = validate
        self._log = log or (lambda line: print(line, file=sys.stderr))

    def source(self, instance: Instance) -> Path | None:
        """The opened source for the instance's repository (ConfigError for a source that is not git)."""
        key = instance.repo.lower()
        if key not in self._given:
            return None
        if key not in self._opened:
            self._opened[key] = open_source(self._given[key][1], instance.repo)
        return self._opened[key]

    def prepare(self, instance: Instance) -> Prepared | NotRun:
        """Build (or reuse) the instance's image and check its gold patch; or say why it cannot run."""
        source = self.source(instance)
        if source is None:
            return NotRun(
                instance.instance_id,
                "source",
                f"no source for {instance.repo}; add it to task.repos "
                f'(\'{{"{instance.repo}": "/path/to/clone-or-archive.tar.gz"}}\')',
            )
        try:
            require_commit(source, instance.base_commit, instance.instance_id, self._given[instance.repo.lower()][1])
            spec = spec_for(instance)
        except MissingCommit as ex:
            return NotRun(instance.instance_id, "source", str(ex).split(": ", 1)[1])
        except UnsupportedSpec as ex:
            return NotRun(instance.instance_id, "spec", str(ex))
        base = spec.base_image
        if base is None:
            return NotRun(
                instance.instance_id,
                "python",
                f"SWE-bench's spec for {instance.repo} {spec.version} needs Python {spec.python}, which no "
                "plugeval base image has (3.9, 3.11, 3.13); run it in SWE-bench's image (task.instance_image=...)",
            )
        if spec.packages == "environment.yml":
            return NotRun(instance.instance_id, "spec", "its spec builds a conda environment.yml, which needs conda")
        if base_image_id(base) is None:
            command = BASE_IMAGE_COMMANDS[base]
            return NotRun(instance.instance_id, "base-image", f"needs {base} (Python {spec.python}): run `{command}`")
        try:
            requirements = assemble_requirements(instance, source).text if spec.packages == "requirements.txt" else None
        except FileNotFoundError as ex:
            return NotRun(instance.instance_id, "build", f"build failed at step requirements: {ex}")
        try:
            built = ensure_image(instance, spec, recipe(spec, base, requirements), source, base, self._log)
        except BuildFailed as ex:
            return NotRun(instance.instance_id, "build", str(ex))
        plan = test_plan(instance, spec, REPO_DIR)
        gold = None
        if self._validate:
            gold = gold_run(
                built.tag,
                instance.instance_id,
                instance.patch,
                instance.test_patch,
                plan.script,
                plan.parser,
                instance.FAIL_TO_PASS,
                instance.PASS_TO_PASS,
            )
            if not gold.resolved:
                return NotRun(instance.instance_id, "network" if gold.needs_network else "gold", gold.reason())
        sandbox = DockerSandboxConfig(image=built.tag, workdir="/workspace", memory="4g", pool_size=0)
        return Prepared(sandbox, REPO_DIR, plan, built.seconds, gold)


def no_source_error(instance: Instance) -> ConfigError:
    """The error for a real instance when neither images nor sources were given."""
    return ConfigError(
        f"{instance.instance_id}: no repository for {instance.repo}; give task.instance_image=TEMPLATE "
        f'(SWE-bench images) or task.repos=\'{{"{instance.repo}": "/path/to/clone-or-archive.tar.gz"}}\''
    )
