"""Tests that fail only under load: which, why, and how the evaluator reports them (real Docker and pytest).

The issue's pair: click task 2800, features 4 and 6, a clean gold merge whose tests pass alone, failed
one test of feature 4 in a run of 20 pairs. It is `test_cleanup_timeout_multiple_callbacks`: it runs
three callbacks that each sleep 50 ms and asserts the whole close took under 0.25 s, so a process that
waits for a CPU more than ~0.1 s in total fails it with correct code. Two more of the feature's tests time
the close against the wall clock (under 0.5 s and under 0.25 s), so contention may fail them too; no
other. The plugin's own evaluation containers made that load (ten at once on two cores); now they take
slots sized by the machine, and a test that fails is run again alone: one that passes then is flaky, not
a failed feature.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cooperbench_support import require_docker, shipped_images

PAIR = Path(__file__).parent / "data" / "click2800_f4_f6"
# the feature's tests that assert a duration: the only ones CPU contention may fail
TIMING = [
    "test_cleanup_timeout_multiple_callbacks",
    "test_cleanup_timeout_slow_cleanup",
    "test_cleanup_timeout_fast_cleanup",
]
# the pair's merged code and feature 4's tests, then its cleanup-timeout tests; $1 CPU hogs beside them
_RUN = """
mkdir -p /tmp/click && cd /tmp/click && tar -xzf /tmp/pair/click-8.2.0.tar.gz
for p in feature4.patch feature6.patch feature4-tests.patch; do git apply "/tmp/pair/$p" || exit 90; done
i=0; while [ $i -lt "$1" ]; do python3 -c 'while True: pass' & i=$((i + 1)); done
PYTHONPATH=src python -m pytest tests/test_context.py -v -p no:cacheprovider -k cleanup_timeout
"""


@pytest.fixture(scope="module")
def click_image() -> str:
    require_docker()
    return shipped_images()["pallets_click_task/task2068"]  # python3, git and pytest: all the pair needs


def _feature4_tests(image: str, hogs: int) -> str:
    from harness.sandbox import Container, DockerSandboxConfig

    # with hogs, half a CPU: the test still waits behind 32 busy processes, and the rest of the machine
    # (other tests on other workers) keeps a CPU and a half
    with Container(image, DockerSandboxConfig(workdir="/tmp", cpus=0.5 if hogs else 1.0)) as box:
        for path in PAIR.iterdir():
            box.write_file(f"/tmp/pair/{path.name}", path.read_bytes())
        result = box.exec(["sh", "-c", _RUN, "sh", str(hogs)], timeout=600)
    assert result.returncode != 90, result.output[-2000:]
    return result.stdout


@pytest.mark.slow
def test_the_pairs_feature4_fails_a_wall_clock_test_under_cpu_contention_and_passes_alone(click_image):
    from harness_cooperbench import failing_tests

    alone = _feature4_tests(click_image, hogs=0)
    assert "10 passed" in alone and failing_tests(alone) == ()
    failed: set[str] = set()
    for _ in range(3):  # 32 busy processes share the container's CPU with the test; up to 3 tries
        failed |= {test.split("::")[-1] for test in failing_tests(_feature4_tests(click_image, hogs=32))}
        if "test_cleanup_timeout_multiple_callbacks" in failed:
            break
    assert "test_cleanup_timeout_multiple_callbacks" in failed and failed <= set(TIMING), failed


@pytest.mark.slow
def test_a_test_that_fails_then_passes_alone_is_flaky_not_a_failed_feature(tmp_path: Path):
    from harness.sandbox import Container, DockerSandboxConfig
    from harness_cooperbench import load_dataset, run_feature_tests, shipped_dataset

    require_docker()
    task = load_dataset(shipped_dataset()).tasks["samuelcolvin_dirty_equals_task/task43"]
    image = shipped_images()[task.name]
    feature = task.feature(2)
    flaky = (
        "\n\ndef test_sometimes():\n    import os\n    first = not os.path.exists('/tmp/ran')\n"
        "    open('/tmp/ran', 'w').close()\n    assert not first, 'fails the first time only, as under load'\n"
    )
    with Container(image, DockerSandboxConfig(workdir="/workspace/repo")) as box:  # feature 2's tests + one flaky
        box.write_file("/tmp/tests.patch", feature.tests_patch)
        box.exec(["git", "apply", "/tmp/tests.patch"])
        box.exec(["sh", "-c", f"cat >> tests/test_other.py <<'EOF'{flaky}\nEOF"])
        tests_patch = box.exec(["git", "diff"]).stdout
    gold = run_feature_tests(image, 2, tests_patch, feature.gold_patch)
    assert gold.passed and gold.flaky == ("tests/test_other.py::test_sometimes",) and gold.failing == (), gold
    assert gold.output_tail.rstrip().endswith("=") and "failed" in gold.output_tail.splitlines()[-1]
    empty = run_feature_tests(image, 2, tests_patch, "")  # a real failure stays one: the module does not import
    assert not empty.passed and empty.failing == ("tests/test_other.py",) and empty.flaky == (), empty
