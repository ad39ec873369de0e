"""Which feature pairs a run uses: a subset file, then `task.tasks` / `task.pairs` filters.

A pair id is `<repo_dir>/<task_id>/f<i>_f<j>` (e.g. `pallets_click_task/2068/f1_f3`), the sample id,
so runs of different settings pair up sample by sample in `harness compare`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from harness import ConfigError

from ._dataset import Dataset, TaskSpec

_PAIR_ID = re.compile(r"^([A-Za-z0-9_.-]+_task)/(?:task)?(\d+)/f(\d+)_f(\d+)$")
_TASK_REF = re.compile(r"^([A-Za-z0-9_.-]+_task)/(?:task)?(\d+)$")


@dataclass(frozen=True)
class Pair:
    """Two features of one task: agent 1 implements feature `i`, agent 2 feature `j`."""

    task: TaskSpec
    i: int
    j: int

    @property
    def id(self) -> str:
        """The sample id, e.g. `pallets_click_task/2068/f1_f3`."""
        return f"{self.task.short}/f{self.i}_f{self.j}"


class _SubsetTask(BaseModel):
    model_config = ConfigDict(extra="allow")
    repo: str
    task_id: int
    pairs: list[tuple[int, int]]


class _SubsetFile(BaseModel):
    model_config = ConfigDict(extra="allow")
    tasks: list[_SubsetTask]


def pair_id_parts(text: str) -> tuple[str, int, int, int]:
    """(repo_dir, task_id, i, j) of a pair id; ConfigError when it is not one."""
    match = _PAIR_ID.match(text.strip())
    if not match:
        raise ConfigError(
            f"pair id {text!r} is not <repo>_task/<task_id>/f<i>_f<j> (e.g. pallets_click_task/2068/f1_f3)"
        )
    repo_dir, task_id, i, j = match.groups()
    return repo_dir, int(task_id), int(i), int(j)


def make_pair(dataset: Dataset, repo_dir: str, task_id: int, i: int, j: int, where: str) -> Pair:
    """A validated pair (features ordered i < j); ConfigError naming `where` when it does not exist."""
    try:
        task = dataset.task(repo_dir, task_id)
    except ConfigError as ex:
        raise ConfigError(f"{where}: {ex}") from None
    numbers = {f.number for f in task.features}
    if i == j:
        raise ConfigError(f"{where}: a pair needs two different features, got f{i}_f{j}")
    for number in (i, j):
        if number not in numbers:
            raise ConfigError(f"{where}: feature {number} is out of range ({task.name} has {task.feature_range})")
    return Pair(task, min(i, j), max(i, j))


def all_pairs(dataset: Dataset) -> list[Pair]:
    """Every pair of features of every task (the released dataset: 652)."""
    return [
        Pair(task, a.number, b.number) for task in dataset.tasks.values() for a, b in combinations(task.features, 2)
    ]


@dataclass(frozen=True)
class Selection:
    """The selected pairs, and one line for each subset task absent from the dataset directory."""

    pairs: list[Pair]
    absent: list[str]


def subset_pairs(dataset: Dataset, subset: str) -> Selection:
    """The pairs of `subsets/<subset>.json` in the dataset (or of a subset file given by path).

    A task the subset names but the dataset directory lacks (a partial copy) is reported, not an error;
    a feature out of range for a task that is present is.
    """
    path = Path(subset).expanduser() if subset.endswith(".json") else dataset.root / "subsets" / f"{subset}.json"
    if not path.is_file():
        known = sorted(p.stem for p in (dataset.root / "subsets").glob("*.json"))
        raise ConfigError(f"subset {subset!r}: {path} not found (known: all, {', '.join(known) or 'no subset files'})")
    try:
        parsed = _SubsetFile.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except json.JSONDecodeError as ex:
        raise ConfigError(f"subset file {path}: not JSON ({ex.msg} at line {ex.lineno})") from None
    except ValidationError as ex:
        first = ex.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise ConfigError(f"subset file {path}: {field}: {first['msg']}") from None
    pairs, absent = [], []
    for entry in parsed.tasks:
        if f"{entry.repo}/task{entry.task_id}" not in dataset.tasks:
            absent.append(
                f"{entry.repo}/task{entry.task_id} ({len(entry.pairs)} pairs of subset {subset}): not in {dataset.root}"
            )
            continue
        for i, j in entry.pairs:
            where = f"subset file {path}: {entry.repo}/{entry.task_id} pair [{i}, {j}]"
            pairs.append(make_pair(dataset, entry.repo, entry.task_id, i, j, where))
    return Selection(pairs, absent)


def select_pairs(
    dataset: Dataset, subset: str = "all", tasks: list[str] | None = None, pairs: list[str] | None = None
) -> Selection:
    """The pairs a run uses, in dataset order, and the subset's tasks the dataset lacks.

    Args:
        dataset: The loaded dataset.
        subset: `all` (every pair), a subset name (`flash`, `lite`) or a subset .json path.
        tasks: Keep only these tasks (`pallets_click_task/2068`).
        pairs: Keep only these pair ids (each must be in the subset).

    Raises:
        ConfigError: A malformed subset file, an unknown task or pair, a feature out of range, or nothing left.
    """
    selection = Selection(all_pairs(dataset), []) if subset == "all" else subset_pairs(dataset, subset)
    chosen, absent = selection.pairs, selection.absent
    if tasks:
        wanted = {_task_name(dataset, ref) for ref in tasks}
        chosen = [p for p in chosen if p.task.name in wanted]
        absent = []
    if pairs:
        known = {p.id: p for p in chosen}
        picked = []
        for text in pairs:
            pair = make_pair(dataset, *pair_id_parts(text), where=f"task.pairs {text!r}")
            if pair.id not in known:
                raise ConfigError(f"task.pairs {text!r} is not among the selected pairs (subset {subset!r})")
            picked.append(pair.id)
        chosen = [p for p in chosen if p.id in set(picked)]
        absent = []
    if not chosen:
        raise ConfigError(f"no pairs selected (subset={subset}, tasks={tasks}, pairs={pairs})")
    ordered = sorted({p.id: p for p in chosen}.values(), key=lambda p: (p.task.name, p.i, p.j))
    return Selection(ordered, absent)


def _task_name(dataset: Dataset, ref: str) -> str:
    match = _TASK_REF.match(ref.strip())
    if not match:
        raise ConfigError(f"task.tasks entry {ref!r} is not <repo>_task/<task_id> (e.g. pallets_click_task/2068)")
    return dataset.task(match.group(1), int(match.group(2))).name
