"""The CooperBench dataset directory: tasks, their features, and what each task's Dockerfile says.

Layout (the released `dataset/` directory, unchanged):
`<repo>_task/task<id>/{Dockerfile, runner.sh, ..., feature<N>/{feature.md, feature.patch, tests.patch}}`,
`subsets/<name>.json` and `gold_conflict_report.json`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

from harness import ConfigError

FEATURE_FILES = ("feature.md", "feature.patch", "tests.patch")
TASK_FILES = ("Dockerfile", "runner.sh")
_TASK_DIR = re.compile(r"^task(\d+)$")
_FEATURE_DIR = re.compile(r"^feature(\d+)$")
_CLONE = re.compile(r"github\.com[/:]([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?(?=[\s/'\"]|$)", re.MULTILINE)
_CHECKOUT = re.compile(r"git checkout\s+([0-9a-f]{40})\b")
_FROM = re.compile(r"^\s*FROM\s+(\S+)", re.MULTILINE | re.IGNORECASE)


def shipped_dataset() -> Path:
    """The dataset directory shipped with the plugin: three Python tasks, the subsets and the gold report."""
    return Path(str(resources.files("harness_cooperbench") / "data" / "dataset"))


@dataclass(frozen=True)
class Feature:
    """One feature of a task: its description, gold patch and tests (read on demand)."""

    number: int
    path: Path

    @property
    def description(self) -> str:
        """feature.md: what the agent is asked to implement."""
        return (self.path / "feature.md").read_text(encoding="utf-8")

    @property
    def gold_patch(self) -> str:
        """feature.patch: the reference implementation."""
        return (self.path / "feature.patch").read_text(encoding="utf-8")

    @property
    def tests_patch(self) -> str:
        """tests.patch: the hidden tests the feature is graded with."""
        return (self.path / "tests.patch").read_text(encoding="utf-8")


@dataclass(frozen=True)
class TaskSpec:
    """One task: a pull request of one repository split into features."""

    repo_dir: str
    """Directory name in the dataset, e.g. `pallets_click_task`."""
    task_id: int
    path: Path
    github: str
    """Upstream repository, e.g. `pallets/click` (from the Dockerfile's clone URL)."""
    base_commit: str
    from_image: str
    """The image the released Dockerfile starts FROM, e.g. `python:3.11-slim`."""
    features: tuple[Feature, ...]

    @property
    def name(self) -> str:
        """`pallets_click_task/task2068`, as in the gold conflict report."""
        return f"{self.repo_dir}/task{self.task_id}"

    @property
    def short(self) -> str:
        """`pallets_click_task/2068`, the prefix of its pair ids."""
        return f"{self.repo_dir}/{self.task_id}"

    def feature(self, number: int) -> Feature:
        """The feature with this number; ConfigError when the task has none."""
        for feature in self.features:
            if feature.number == number:
                return feature
        raise ConfigError(f"{self.name} has no feature {number} (it has {self.feature_range})")

    @property
    def feature_range(self) -> str:
        """`features 1..12` (or the list when numbering has gaps)."""
        numbers = [f.number for f in self.features]
        if numbers == list(range(numbers[0], numbers[-1] + 1)):
            return f"features {numbers[0]}..{numbers[-1]}"
        return "features " + ", ".join(map(str, numbers))

    @cached_property
    def runner(self) -> str:
        """runner.sh, the released test runner (run unchanged in the task image)."""
        return (self.path / "runner.sh").read_text(encoding="utf-8")

    @property
    def combined_patch(self) -> str | None:
        """combined.patch: the whole pull request (every feature), when the dataset has it."""
        path = self.path / "combined.patch"
        return path.read_text(encoding="utf-8") if path.is_file() else None


@dataclass(frozen=True)
class Dataset:
    """Every task of a dataset directory, by `repo_dir/task<id>` name."""

    root: Path
    tasks: dict[str, TaskSpec]

    def task(self, repo_dir: str, task_id: int) -> TaskSpec:
        """The task, or ConfigError naming the known tasks of that repository."""
        name = f"{repo_dir}/task{task_id}"
        if name not in self.tasks:
            same_repo = sorted(t.short for t in self.tasks.values() if t.repo_dir == repo_dir)
            known = f"; {repo_dir} has {', '.join(same_repo)}" if same_repo else f"; no {repo_dir} in {self.root}"
            raise ConfigError(f"unknown task {repo_dir}/{task_id}{known}")
        return self.tasks[name]


def load_dataset(root: str | Path) -> Dataset:
    """Read a dataset directory; every task must be complete.

    Raises:
        ConfigError: The directory is missing or empty, or a task lacks a file (named with its path).
    """
    root = Path(root).expanduser()
    if not root.is_dir():
        raise ConfigError(f"CooperBench dataset {root} is not a directory (give task.dataset=PATH to its dataset/ dir)")
    tasks: dict[str, TaskSpec] = {}
    for repo_dir in sorted(p for p in root.iterdir() if p.is_dir() and p.name.endswith("_task")):
        for task_dir in sorted(repo_dir.iterdir()):
            match = _TASK_DIR.match(task_dir.name)
            if match and task_dir.is_dir():
                spec = _read_task(root, repo_dir.name, int(match.group(1)), task_dir)
                tasks[spec.name] = spec
    if not tasks:
        raise ConfigError(f"{root} holds no CooperBench tasks (<repo>_task/task<id>/ directories)")
    return Dataset(root, tasks)


def _read_task(root: Path, repo_dir: str, task_id: int, path: Path) -> TaskSpec:
    where = path.relative_to(root)
    for name in TASK_FILES:
        if not (path / name).is_file():
            raise ConfigError(f"dataset {root}: {where} has no {name}")
    dockerfile = (path / "Dockerfile").read_text(encoding="utf-8")
    clone = _CLONE.search(dockerfile)
    checkout = _CHECKOUT.search(dockerfile)
    base = _FROM.search(dockerfile)
    if not clone or not checkout or not base:
        missing = (
            "a github.com clone URL" if not clone else "a `git checkout <40-hex commit>`" if not checkout else "FROM"
        )
        raise ConfigError(f"dataset {root}: {where}/Dockerfile has no {missing}")
    features = []
    for feature_dir in path.iterdir():
        match = _FEATURE_DIR.match(feature_dir.name)
        if not match or not feature_dir.is_dir():
            continue
        for name in FEATURE_FILES:
            if not (feature_dir / name).is_file():
                raise ConfigError(f"dataset {root}: {where}/{feature_dir.name} has no {name}")
        features.append(Feature(int(match.group(1)), feature_dir))
    if len(features) < 2:
        raise ConfigError(f"dataset {root}: {where} has {len(features)} feature dir(s); a task needs at least 2")
    return TaskSpec(
        repo_dir=repo_dir,
        task_id=task_id,
        path=path,
        github=clone.group(1),
        base_commit=checkout.group(1),
        from_image=base.group(1),
        features=tuple(sorted(features, key=lambda f: f.number)),
    )
