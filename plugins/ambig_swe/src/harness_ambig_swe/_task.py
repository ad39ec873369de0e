"""The `ambig_swe` task: settings full/hidden/interactive, and detection mode."""

from __future__ import annotations

import random
import sys
from typing import Any, Literal

from inspect_ai import Task, task
from inspect_ai.agent import as_solver, react
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.tool import bash, python, text_editor

from harness import ConfigError, Simulator, ask_user, simulated_user
from harness.simulation import FixedReplySimulator, OracleSimulator

from ._instances import MINISUITE, Instance, load_instances
from ._ppp import EFFORT_BY_SECTION, ppp
from ._profiles import PROFILES, persona_for
from ._prompts import SETTINGS, agent_input, detection_input
from ._quality import question_quality
from ._real import NotRun
from ._samples import RealInstances, minisuite_sample
from ._scorers import asked_when_underspecified, tests_resolved


@task
def ambig_swe(
    dataset: str = MINISUITE,
    setting: Literal["full", "hidden", "interactive"] = "interactive",
    detection: bool = False,
    seed: int = 0,
    simulator: Simulator | None = None,
    sandbox: Literal["docker", "local"] = "docker",
    on_invalid: Literal["skip", "fail"] = "skip",
    repos: dict[str, str] | None = None,
    instance_image: str | None = None,
    validate: bool = True,
    message_limit: int = 40,
    test_timeout: int = 1800,
    user_profile: Literal["none", "one_question", "no_questions", "brief"] = "none",
    judge_model: str | None = None,
) -> Task:
    """Ambig-SWE: resolve an issue from a vague summary, asking a simulated user who holds the full issue.

    Args:
        dataset: `minisuite` (6 offline repositories), or a .jsonl/.json/.csv path or a Hugging Face id.
        setting: full (issue + hints), hidden (summary; user only says continue), interactive (summary; user answers).
        detection: Each instance shows the full issue or the summary (p=0.5, seeded); scores whether the agent asked.
        seed: Seed of the detection-mode draw.
        simulator: Simulated user for interactive and detection mode (default: oracle); simulator=NAME on the CLI.
        sandbox: docker (harness-docker, the base image plus pytest) or local (this machine; needs pytest for python3).
        on_invalid: skip (report and drop) or fail on rows that fail validation.
        repos: Real instances built here, offline: sources by repo ({"psf/requests": "/src/requests"}): a git
            clone, a bare repository or a .tar.gz of one (shallow is fine); SWE-bench's install specs.
        instance_image: Real instances in SWE-bench's images: a template such as
            swebench/sweb.eval.x86_64.{id_docker}:latest.
        validate: Built instances only: run the gold patch once per image and report an instance it does not
            resolve here (tests that need the internet, an environment that differs) as not run.
        message_limit: Messages per sample before the agent is stopped.
        test_timeout: Seconds the test run may take.
        user_profile: Preferences of the simulated user (personalization): none, one_question, no_questions, brief.
        judge_model: Question-quality judge (interactive and detection mode); default: the run's model.
    """
    _check_choices(setting, user_profile)
    loaded = load_instances(dataset, on_invalid)
    for problem in loaded.problems:
        print(f"ambig_swe: skipped invalid row: {problem}", file=sys.stderr)
    user, mode = simulator or OracleSimulator(), "detection" if detection else setting
    real = RealInstances(repos, instance_image, validate)
    samples, not_run = _samples(loaded.instances, real, mode, seed, int(getattr(user, "max_turns", 3)), user_profile)
    asks = mode in ("detection", "interactive")
    return Task(
        dataset=MemoryDataset(samples, name=f"ambig_swe:{dataset}"),
        # the full setting has no user: no context, so the record says `simulation: null`
        solver=_agent(mode, user) if mode == "full" else [simulated_user(), as_solver(_agent(mode, user))],
        scorer=_scorers(setting, detection, test_timeout, judge_model),
        sandbox=_sandbox(sandbox),
        message_limit=message_limit,
        metadata={
            "setting": mode,
            "dataset": dataset,
            "simulator": user.name if asks else None,
            "invalid_rows": loaded.problems,
            "not_run": [{"instance_id": n.instance_id, "kind": n.kind, "reason": n.reason} for n in not_run],
        },
    )


def _check_choices(setting: str, user_profile: str) -> None:
    if user_profile not in PROFILES:
        raise ConfigError(f"task.user_profile must be one of {', '.join(PROFILES)}, got {user_profile!r}")
    if setting not in SETTINGS:
        raise ConfigError(f"task.setting must be one of {', '.join(SETTINGS)}, got {setting!r}")


def _samples(
    instances: list[Instance], real: RealInstances, mode: str, seed: int, max_turns: int, profile: str
) -> tuple[list[Sample], list[NotRun]]:
    """A sample per instance that can run here, and the reasons of those that cannot (printed as they come)."""
    rng = random.Random(seed)
    samples: list[Sample] = []
    not_run: list[NotRun] = []
    for instance in instances:
        if mode == "detection":
            underspecified = rng.random() < 0.5
            text = detection_input(instance, underspecified)
        else:
            underspecified = mode != "full"
            text = agent_input(instance, mode, max_turns)  # type: ignore[arg-type]  # full, hidden or interactive
        metadata = _metadata(instance, underspecified, mode, profile)
        made = (
            minisuite_sample(instance, text, metadata)
            if instance.repo_files is not None
            else real.sample(instance, text, metadata)
        )
        if isinstance(made, NotRun):
            not_run.append(made)
            print(f"ambig_swe: not run: {made.line()}", file=sys.stderr)
        else:
            samples.append(made)
    if not samples:
        raise ConfigError("ambig_swe: no instance can run here: " + " | ".join(n.line() for n in not_run[:3]))
    if not_run:
        print(f"ambig_swe: {len(samples)} instance(s) run, {len(not_run)} not run (reasons above)", file=sys.stderr)
    return samples, not_run


def _agent(mode: str, user: Simulator) -> Any:
    """inspect's ReAct agent with the shell, Python and editor tools, and the user where the mode has one."""
    tools: list[Any] = [bash(timeout=180), python(timeout=180), text_editor()]
    if mode in ("detection", "interactive"):
        tools.append(ask_user(user))
    elif mode == "hidden":
        tools.append(ask_user(FixedReplySimulator()))
    return react(tools=tools)


def _metadata(instance: Instance, underspecified: bool, setting: str, profile: str) -> dict[str, Any]:
    return {
        "setting": setting,
        "underspecified": underspecified,
        "repo": instance.repo,
        "base_commit": instance.base_commit,
        "patch": instance.patch,
        "test_patch": instance.test_patch,
        "FAIL_TO_PASS": instance.FAIL_TO_PASS,
        "PASS_TO_PASS": instance.PASS_TO_PASS,
        "summary": instance.problem_statement,
        "simulator_context": {
            "hidden_info": instance.hidden_info,
            "sections": instance.hidden_sections,
            "section_effort": dict(EFFORT_BY_SECTION),
            "persona": persona_for(profile),
            "preferences": {key: True for key in PROFILES[profile]},
        },
    }


def _scorers(setting: str, detection: bool, test_timeout: int, judge_model: str | None) -> list[Any]:
    scorers: list[Any] = [tests_resolved(test_timeout)]
    if detection:
        scorers.append(asked_when_underspecified())
    if detection or setting == "interactive":
        scorers += [question_quality(judge_model), ppp()]
    return scorers


def _sandbox(kind: str) -> Any:
    if kind == "local":
        return "local"
    if kind != "docker":
        raise ConfigError(f"task.sandbox must be docker or local, got {kind!r}")
    from ._image import minisuite_sandbox_config

    return ("harness-docker", minisuite_sandbox_config())
