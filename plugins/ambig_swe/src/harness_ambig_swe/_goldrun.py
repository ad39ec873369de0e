"""Does the gold patch resolve the instance here? One run per image, remembered on disk.

An instance whose gold patch does not pass its own tests in this environment cannot measure an
agent: its tests need the internet (the sandbox has none), or the environment differs from
SWE-bench's. Such an instance is reported as not run, with the reason, instead of being counted as
the agent's failure.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field

from ._cache import cache_dir
from ._grading import grade, needs_network
from ._logparse import parse_log
from ._testspec import TEST_PATCH_PATH, test_output

_GOLD_PATCH = "/tmp/plugeval_gold.patch"
_SCRIPT = "/tmp/plugeval_eval.sh"
_GOLD_FAILED = ">>>>> Gold patch did not apply"
_VERSION = "2"  # bump when how a gold run is judged changes


@dataclass(frozen=True)
class GoldRun:
    """The outcome of the gold patch in an instance image."""

    resolved: bool
    seconds: float
    failing: list[str] = field(default_factory=list)
    needs_network: bool = False
    detail: str = ""

    def reason(self) -> str:
        """Why the instance cannot count, for the not-run report."""
        shown = ", ".join(self.failing[:3]) + (f" and {len(self.failing) - 3} more" if len(self.failing) > 3 else "")
        if self.needs_network:
            return f"its tests need the internet (the sandbox has none): with the gold patch {shown} fail"
        return f"the gold patch does not resolve it in this environment ({self.detail or 'failing: ' + shown})"


def gold_run(
    image: str,
    instance_id: str,
    patch: str,
    test_patch: str,
    script: str,
    parser: str,
    fail_to_pass: list[str],
    pass_to_pass: list[str],
    timeout: int = 1800,
) -> GoldRun:
    """Apply the gold patch in a fresh container of `image` and grade the test run (cached per image)."""
    parts = (_VERSION, image, instance_id, patch, test_patch, script, parser)
    key = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    cached = cache_dir("gold-runs") / f"{key[:24]}.json"
    if cached.is_file():
        return GoldRun(**json.loads(cached.read_text()))
    started = time.monotonic()
    log = _run(image, patch, test_patch, script, timeout)
    seconds = time.monotonic() - started
    if log is None:
        outcome = GoldRun(False, seconds, detail=f"the gold run took longer than {timeout} s")
    elif _GOLD_FAILED in log:
        outcome = GoldRun(False, seconds, detail="the gold patch does not apply")
    else:
        output = test_output(log)
        if output is None:
            outcome = GoldRun(False, seconds, detail="the test patch does not apply or the tests did not start")
        else:
            graded = grade(parse_log(parser, output) or parse_log(parser, log), fail_to_pass, pass_to_pass)
            network = not graded.resolved and needs_network(output, graded.failing)
            outcome = GoldRun(graded.resolved, seconds, graded.failing, network)
    if log is not None:  # a timeout may be the machine's load: try again next time
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(asdict(outcome)))
    return outcome


def _run(image: str, patch: str, test_patch: str, script: str, timeout: int) -> str | None:
    """The gold run's output (stdout then stderr) in a fresh hardened container; None when it timed out."""
    from harness.sandbox import Container, DockerSandboxConfig

    runner = f"cd /workspace/repo && git apply {_GOLD_PATCH} || {{ echo '{_GOLD_FAILED}'; exit 1; }}\nbash {_SCRIPT}\n"
    # COLUMNS: pytest's summary lines keep each failure's whole message
    config = DockerSandboxConfig(memory="4g", workdir="/workspace", environment=("COLUMNS=1000",))
    with Container(image, config, labels={"plugeval.ambig-swe.gold-run": "1"}) as box:
        for path, text in {_GOLD_PATCH: patch, TEST_PATCH_PATH: test_patch, _SCRIPT: script}.items():
            box.write_file(path, text)
        result = box.exec(["bash", "-c", runner], timeout=timeout)
    return None if result.timed_out else result.stdout + result.stderr
