"""One image per task: the harness base image, the repository at its base commit, its test dependencies.

The build context is a single-commit clone of the source (a real copy, so no alternates path
points outside the context), the host-downloaded wheelhouse and the task's runner.sh, which runs
unchanged: `PIP_NO_INDEX`/`PIP_FIND_LINKS` point its `pip install` at the wheelhouse. The image is
tagged by a hash of everything that goes into it, so it is built once and reused.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from harness.sandbox import BASE_IMAGE, ImageBuildError, SandboxError, build_image, clone_commit, image_id

from ._cache import cache_dir
from ._dataset import TaskSpec
from ._wheelhouse import BASE_PYTHON, RUNNER_TOOLS, WheelhouseError, download_wheels

IMAGE_REPOSITORY = "plugeval/cooperbench"
REPO_DIR = "/workspace/repo"
WHEELS_DIR = "/opt/cooperbench/wheels"
IMAGE_LABEL = "plugeval.cooperbench.task"
_VERSION = "1"  # bump when the image recipe changes in a way the Dockerfile text does not show

DOCKERFILE = f"""\
FROM {BASE_IMAGE}
ARG BASE_COMMIT
ENV PIP_NO_INDEX=1 PIP_FIND_LINKS={WHEELS_DIR} PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
RUN ln -sf /usr/bin/python3 /usr/local/bin/python \\
 && git config --system --add safe.directory '*' \\
 && git config --system user.name "cooperbench agent" \\
 && git config --system user.email agent@cooperbench.invalid \\
 && git config --system init.defaultBranch main \\
 && mkdir -p /patches && chmod 1777 /patches
COPY wheels {WHEELS_DIR}
COPY repo {REPO_DIR}
WORKDIR {REPO_DIR}
# the released images' install steps, offline; the build backend is preinstalled and pip told not to
# isolate builds, so each test run's `pip install -e .` does not rebuild a backend environment
RUN pip install --upgrade pip && pip install -r {WHEELS_DIR}/build-requirements.txt
ENV PIP_NO_BUILD_ISOLATION=0
RUN (pip install -e ".[test]" || pip install -e .) && pip install {" ".join(RUNNER_TOOLS)}
COPY runner.sh /usr/local/bin/runner.sh
RUN chmod +x /usr/local/bin/runner.sh && chown -R agent:agent {REPO_DIR} \\
 && test "$(git rev-parse HEAD)" = "$BASE_COMMIT"
"""

_PYTHON_FROM = re.compile(r"^python:(\d+\.\d+)")


class BuildFailed(Exception):
    """A task image could not be built: which task, and why."""

    def __init__(self, task: str, reason: str) -> None:
        super().__init__(f"{task}: {reason}")
        self.task = task
        self.reason = reason


def required_python(task: TaskSpec) -> str:
    """The Python the released Dockerfile uses; BuildFailed for a task this base image cannot host."""
    match = _PYTHON_FROM.match(task.from_image)
    if not match:
        raise BuildFailed(
            task.name,
            f"its environment is {task.from_image}; only Python tasks build offline here "
            f"(on {BASE_IMAGE}, Python {BASE_PYTHON})",
        )
    if match.group(1) != BASE_PYTHON:
        raise BuildFailed(
            task.name, f"needs Python {match.group(1)} ({task.from_image}); {BASE_IMAGE} has {BASE_PYTHON}"
        )
    return match.group(1)


def image_tag(task: TaskSpec) -> str:
    """The tag of the task's image: a hash of the recipe, the runner, the commit and the base image."""
    digest = hashlib.sha256()
    for part in (_VERSION, DOCKERFILE, task.runner, task.github, task.base_commit, _base_image_id()):
        digest.update(part.encode())
        digest.update(b"\0")
    return f"{IMAGE_REPOSITORY}:{task.repo_dir}-task{task.task_id}-{digest.hexdigest()[:12]}"


def ensure_task_image(task: TaskSpec, source: Path, log: Callable[[str], None] = lambda _: None) -> str:
    """The task's image tag, building it when absent.

    Raises:
        BuildFailed: The task cannot be built here (wrong language or Python, wheels, docker build).
        SandboxError: No Docker engine, or no base image.
    """
    required_python(task)
    tag = image_tag(task)
    if image_id(tag) is not None:
        return tag
    log(f"cooperbench: building the image of {task.name} ({tag}); once per task")
    staging = cache_dir("build")
    staging.mkdir(parents=True, exist_ok=True)
    context = Path(tempfile.mkdtemp(prefix="context-", dir=staging))
    try:
        _prepare_context(task, source, context)
        build_image(
            context, tag, buildargs={"BASE_COMMIT": task.base_commit}, labels={IMAGE_LABEL: task.name},
            what=f"docker build of {task.name}",
        )  # fmt: skip
    except WheelhouseError as ex:
        raise BuildFailed(task.name, str(ex)) from ex
    except ImageBuildError as ex:
        raise BuildFailed(task.name, str(ex)) from ex
    finally:
        shutil.rmtree(context, ignore_errors=True)
    return tag


def _prepare_context(task: TaskSpec, source: Path, context: Path) -> None:
    clone_commit(source, task.base_commit, context / "repo")
    download_wheels(context / "repo", context / "wheels")
    (context / "runner.sh").write_text(task.runner, encoding="utf-8")
    (context / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")


def _base_image_id() -> str:
    found = image_id(BASE_IMAGE)
    if found is None:
        raise SandboxError(f"{BASE_IMAGE} is missing: build it with `harness sandbox base-image`")
    return found
