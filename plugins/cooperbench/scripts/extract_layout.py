"""Write tests/data/full_layout.json: the shape of the whole released dataset, without its patches.

    python scripts/extract_layout.py /path/to/cooperbench/dataset

Per task: directory, task id, the FROM image, upstream repository, base commit and feature numbers,
read from each task's Dockerfile. The tests rebuild the full 30-task / 652-pair directory tree from it
(stub files for the tasks the plugin does not ship), so loading the whole dataset is tested offline.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from harness_cooperbench import load_dataset


def main(argv: list[str]) -> int:
    dataset = load_dataset(argv[0])
    tasks = [
        {
            "repo_dir": task.repo_dir,
            "task_id": task.task_id,
            "from_image": task.from_image,
            "github": task.github,
            "base_commit": task.base_commit,
            "features": [f.number for f in task.features],
        }
        for task in dataset.tasks.values()
    ]
    target = Path(__file__).resolve().parents[1] / "tests" / "data" / "full_layout.json"
    target.write_text(json.dumps({"source": "CooperBench dataset/ (MIT)", "tasks": tasks}, indent=1) + "\n")
    print(f"{target}: {len(tasks)} tasks, {sum(len(t['features']) for t in tasks)} features")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
