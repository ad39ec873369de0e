"""`critic_synthetic`: scripted agent trajectories whose outcome depends on three known behaviours.

Each sample is a bug-fix request; a scripted agent writes a trajectory (tool calls and results,
follow-up user turns) without calling a model. Behaviours are drawn per attempt from a seeded
generator, with a per-sample difficulty that raises the chance of the bad ones. Success depends on
exactly three of them — repeated_failing_action, tests_left_failing and user_restated_request:

    P(success) = sigmoid(3 - 5 * (number of the three present))

Every other behaviour (asking to revert, frustration, edits before reading, placeholders, risky
commands, tool misuse, infrastructure failures, ignored corrections, no verification) is drawn
independently of the outcome. The drawn behaviours and the outcome are kept in the sample's
metadata under `synthetic_truth`, which annotators never read.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessageAssistant, ChatMessageTool, ChatMessageUser, ModelOutput
from inspect_ai.scorer import CORRECT, INCORRECT, Score, Scorer, Target, accuracy, scorer, stderr
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.tool import ToolCall

OUTCOME_DRIVERS = ("repeated_failing_action", "tests_left_failing", "user_restated_request")
"""The rubric items the synthetic outcome depends on."""

_MODULES = ["parser", "billing", "scheduler", "auth", "cache", "report", "export", "search", "mailer", "ledger"]
_BUGS = [
    "crashes on empty input",
    "returns a bad total",
    "ignores the time zone",
    "drops the last row",
    "counts retries twice",
    "never expires entries",
    "sorts names by length",
    "rounds amounts down",
]
_RESTATE = ["Let me clarify: {request}", "As I said, {request}", "Again: {request}"]


@task
def critic_synthetic(samples: int = 200, seed: int = 0, id_prefix: str = "s") -> Task:
    """Synthetic agent traces with known behaviours, for training and checking critics (no model is called).

    Args:
        samples: Number of bug-fix requests.
        seed: Seed of the requests and of every drawn behaviour (per sample and epoch).
        id_prefix: Prefix of the sample ids (`s001`, ...), to keep separate sets apart.
    """
    rng = random.Random(seed)
    dataset = []
    for n in range(1, samples + 1):
        module, bug = rng.choice(_MODULES), rng.choice(_BUGS)
        request = f"The {module} module {bug}. Please fix it in src/{module}.py so that tests/test_{module}.py passes."
        dataset.append(Sample(id=f"{id_prefix}{n:03d}", input=request, metadata={"module": module}))
    return Task(
        dataset=MemoryDataset(dataset),
        solver=synthetic_agent(seed),
        scorer=synthetic_outcome(),
        name="critic_synthetic",
    )


@dataclass
class _Script:
    """A trajectory being written: messages with consistent tool-call ids."""

    messages: list[Any] = field(default_factory=list)
    calls: int = 0

    def call(self, function: str, arguments: dict[str, Any], result: str, text: str = "") -> None:
        self.calls += 1
        call_id = f"call_{self.calls}"
        tool_call = ToolCall(id=call_id, function=function, arguments=arguments, type="function")
        self.messages.append(ChatMessageAssistant(content=text, tool_calls=[tool_call]))
        self.messages.append(ChatMessageTool(content=result, tool_call_id=call_id, function=function))

    def user(self, text: str) -> None:
        self.messages.append(ChatMessageUser(content=text))

    def say(self, text: str) -> None:
        self.messages.append(ChatMessageAssistant(content=text))


def draw_behaviours(seed: int, sample_id: str, epoch: int) -> dict[str, bool]:
    """The behaviours of one attempt (seeded by sample and epoch; the sample's difficulty is shared by its epochs)."""
    difficulty = random.Random(f"{seed}/{sample_id}").random()
    rng = random.Random(f"{seed}/{sample_id}/{epoch}")
    ran_tests = rng.random() < 0.85
    drawn = {
        "repeated_failing_action": rng.random() < 0.1 + 0.4 * difficulty,
        "tests_left_failing": ran_tests and rng.random() < 0.1 + 0.4 * difficulty,
        "user_restated_request": rng.random() < 0.1 + 0.3 * difficulty,
        "ran_tests": ran_tests,
        "user_asked_to_revert": rng.random() < 0.15,
        "user_frustrated": rng.random() < 0.2,
        "acted_without_looking": rng.random() < 0.3,
        "incomplete_work": rng.random() < 0.2,
        "risky_action": rng.random() < 0.15,
        "tool_misuse": rng.random() < 0.25,
        "infrastructure_failure": rng.random() < 0.08,
        "ignored_instruction": rng.random() < 0.15,
        "claims_success": rng.random() < 0.7,
    }
    bad = sum(drawn[name] for name in OUTCOME_DRIVERS)
    drawn["success"] = rng.random() < 1.0 / (1.0 + math.exp(-(3.0 - 5.0 * bad)))
    return drawn


def write_trajectory(request: str, module: str, b: dict[str, bool]) -> _Script:
    """The scripted trajectory for drawn behaviours `b`."""
    s = _Script()
    s.user(request)
    source, test = f"src/{module}.py", f"tests/test_{module}.py"
    fix = {"path": source, "old": "total = sum(rows[:-1])", "new": "total = sum(rows)"}
    if b["incomplete_work"]:
        fix["new"] += "  # TODO: handle the empty case"
    read = ("bash", {"cmd": f"cat {source}"}, "def compute(rows):\n    total = sum(rows[:-1])\n    return total\n")
    if b["acted_without_looking"]:
        s.call("edit_file", fix, "edited", "I'll patch the function directly.")
        s.call(*read)
    else:
        s.call(*read, "Let me read the module first.")
        s.call("edit_file", fix, "edited", "Found it: the last row is skipped.")
    if b["tool_misuse"]:
        s.call("bash", {"cmd": f"pytset {test}"}, "bash: pytset: command not found\nexit code: 127")
    if b["infrastructure_failure"]:
        s.call(
            "bash",
            {"cmd": "curl -sS https://pypi.internal/simple/"},
            "curl: (28) Connection timed out after 10001 milliseconds\nexit code: 28",
        )
    if b["repeated_failing_action"]:
        for _ in range(3):
            s.call(
                "bash",
                {"cmd": "pip install fastjson==9.9"},
                "ERROR: No matching distribution found for fastjson==9.9\nexit code: 1",
            )
    _follow_ups(s, request, source, test, b)
    if b["risky_action"]:
        s.call("bash", {"cmd": "rm -rf build/ dist/"}, "exit code: 0")
    if b["ran_tests"]:
        summary = (
            "1 failed, 4 passed in 0.31s\nexit code: 1"
            if b["tests_left_failing"]
            else "5 passed in 0.29s\nexit code: 0"
        )
        s.call("bash", {"cmd": f"python -m pytest {test} -q"}, summary)
    if b["tests_left_failing"]:
        s.say("One test still fails and I could not find why; I am handing it back.")
    elif b["claims_success"]:
        s.say(f"Done: the bug in {source} is fixed.")
    else:
        s.say(f"I changed {source}; please review the change.")
    return s


def _follow_ups(s: _Script, request: str, source: str, test: str, b: dict[str, bool]) -> None:
    if b["user_restated_request"]:
        s.user(random.Random(request).choice(_RESTATE).format(request=request))
        s.call("edit_file", {"path": source, "old": "return total", "new": "return round(total, 2)"}, "edited")
    if b["user_frustrated"]:
        s.user("Come on, this is still not working??")
        s.say("Sorry, looking again.")
    if b["ignored_instruction"]:
        s.call("bash", {"cmd": f"git diff {source}"}, f"diff --git a/{source} b/{source}")
        s.user(f"Don't print the diff, just tell me which lines changed in {source}.")
        s.call("bash", {"cmd": f"git diff {source}"}, f"diff --git a/{source} b/{source}")
    if b["user_asked_to_revert"]:
        s.user("Please revert the change to config.yaml, it was fine before.")
        s.call("bash", {"cmd": "git checkout config.yaml"}, "Updated 1 path from the index\nexit code: 0")


@solver
def synthetic_agent(seed: int = 0) -> Solver:
    """Write the scripted trajectory of each attempt (no model call); the truth goes to metadata."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        behaviours = draw_behaviours(seed, str(state.sample_id), state.epoch)
        script = write_trajectory(state.input_text, str(state.metadata.get("module", "parser")), behaviours)
        state.messages = script.messages
        state.output = ModelOutput.from_content("scripted", script.messages[-1].text)
        state.metadata["synthetic_truth"] = behaviours
        return state

    return solve


@scorer(metrics=[accuracy(), stderr()])
def synthetic_outcome() -> Scorer:
    """The attempt's drawn outcome (C or I), from the solver's `synthetic_truth`."""

    async def score(state: TaskState, target: Target) -> Score:
        truth = state.metadata.get("synthetic_truth")
        if truth is None:
            return Score(value=INCORRECT, explanation="no synthetic_truth: run with the synthetic_agent solver")
        return Score(value=CORRECT if truth["success"] else INCORRECT)

    return score
