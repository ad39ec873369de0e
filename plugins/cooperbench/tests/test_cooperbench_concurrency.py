"""Evaluation containers at once: a rule from the machine's cores and memory, and the bound holding (real Docker)."""

from __future__ import annotations

import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from cooperbench_support import require_docker, shipped_images
import pytest


def test_the_default_follows_the_documented_rule_for_this_machine():
    from harness_cooperbench import default_eval_concurrency

    cores = len(os.sched_getaffinity(0))
    with open("/proc/meminfo") as meminfo:
        available = int(next(line for line in meminfo if line.startswith("MemAvailable")).split()[1]) * 1024
    assert default_eval_concurrency() == max(1, min(cores, available // 1024**3))


def _most_at_once(slots: int, merges: int) -> int:
    import docker

    from harness_cooperbench import merge_in_container
    from harness_cooperbench._concurrency import set_eval_concurrency

    image = shipped_images()["samuelcolvin_dirty_equals_task/task43"]
    client, seen, done = docker.from_env(), [0], threading.Event()
    ours = ["plugeval.cooperbench.eval", f"plugeval.owner={socket.gethostname()}:{os.getpid()}"]  # not other tests'

    def watch() -> None:
        while not done.is_set():
            # sparse: no inspect per container, which raced a container removed between list and inspect
            # (NotFound killed this thread once in CI, and the count stopped there)
            seen[0] = max(seen[0], len(client.containers.list(filters={"label": ours}, sparse=True)))
            time.sleep(0.05)

    set_eval_concurrency(slots)
    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=merges) as pool:
            list(pool.map(lambda _: merge_in_container(image, "", ""), range(merges)))
    finally:
        done.set()
        watcher.join()
        set_eval_concurrency(None)
    return seen[0]


@pytest.mark.slow
def test_evaluation_containers_never_exceed_their_slots():
    require_docker()
    assert _most_at_once(slots=1, merges=3) == 1
    assert _most_at_once(slots=3, merges=3) >= 2  # the watch can see them overlap when allowed
