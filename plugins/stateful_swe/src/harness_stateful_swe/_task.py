"""The `stateful_swe` task: developers (profiles) who come back with issues on small repositories."""

from __future__ import annotations

from typing import Any, Literal

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample

from harness import ConfigError, Simulator

from ._collect import HISTORY_DIR, REPO_DIR, SETUP
from ._histories import load_history, render_markdown
from ._minisuite import Issue, load_minisuite
from ._profiles import Profile, load_profiles
from ._prompts import SETTINGS, session_prompt
from ._scorer import session_outcome
from ._simulator import ProfileSimulator


def session_issue(profile_index: int, session: int, issues: list[Issue]) -> Issue:
    """The issue of a profile's session: consecutive issues, each profile starting three further on."""
    return issues[(profile_index * 3 + session - 1) % len(issues)]


def session_sample(profile: Profile, position: int, session: int, setting: str, histories: str | None) -> Sample:
    """One session of one developer: the repository (and history), the prompt, and what the user knows."""
    suite = load_minisuite()
    issue = session_issue(position, session, suite.issues)
    files = {f"{REPO_DIR}/{path}": text for path, text in suite.repos[issue.repo].items()}
    metadata: dict[str, Any] = {
        "harness_user": profile.id if setting == "memory" else f"{profile.id}/{session}",
        "harness_session": session,
        "profile": profile.id,
        "issue": issue.id,
        "repo": issue.repo,
        "setting": setting,
        "simulator_context": {
            "hidden_info": issue.details,
            "persona": profile.persona_text(),
            "preferences": profile.context_preferences(),
        },
    }
    if setting == "history":
        history = load_history(profile, histories)
        metadata["history"] = history.agent_view()
        metadata["history_generator"] = history.generator
        for earlier in history.agent_view():
            files[f"{HISTORY_DIR}/session_{-earlier['session']:02d}.md"] = render_markdown(earlier, profile.name)
    return Sample(
        id=f"{profile.id}-s{session}",
        input=session_prompt(profile, issue, setting),
        target="resolved and satisfied",
        files=files,
        setup=SETUP,
        metadata=metadata,
    )


def _profiles(names: list[str] | None) -> list[tuple[int, Profile]]:
    known = load_profiles()
    order = list(known)
    chosen = names or order
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise ConfigError(f"task.profiles: unknown {unknown}; the profiles are {', '.join(order)}")
    return [(order.index(name), known[name]) for name in chosen]


def _sandbox(kind: str) -> Any:
    if kind == "local":
        return "local"
    if kind != "docker":
        raise ConfigError(f"task.sandbox must be docker or local, got {kind!r}")
    from harness import DockerSandboxConfig

    return ("harness-docker", DockerSandboxConfig(image="plugeval/base:bookworm", memory="512m", pool_size=2))


@task
def stateful_swe(
    setting: Literal["first_session", "history", "memory"] = "history",
    profiles: list[str] | None = None,
    sessions: int = 4,
    histories: str | None = None,
    simulator: Simulator | None = None,
    judge: Literal["auto", "llm", "scripted"] = "auto",
    satisfied_at: float = 0.8,
    sandbox: Literal["docker", "local"] = "docker",
    message_limit: int = 30,
    test_timeout: int = 120,
) -> Task:
    """Stateful SWE: 15 developers come back with issues on small repositories; resolve them the way each one likes.

    Args:
        setting: first_session (no history), history (earlier sessions' transcripts to consult) or
            memory (sessions of a user run in order; the agent's user memory carries over).
        profiles: Developers to include (default: all 15, in catalogue order).
        sessions: Sessions per developer (1-10; each a different issue).
        histories: Folder of `<profile>.json` histories to use instead of the shipped ones (history setting).
        simulator: The user (default: stateful_swe_user in llm mode); simulator=NAME on the command line.
        judge: Who judges the preferences a program cannot check: llm (the grader role), scripted (their
            cue), or auto (the simulator's mode when it is a stateful_swe_user, else llm).
        satisfied_at: Share of the applicable preferences a session must honour to count as satisfied.
        sandbox: docker (harness-docker, plugeval/base:bookworm) or local (a temporary folder here).
        message_limit: Messages per session before the agent is stopped.
        test_timeout: Seconds the test suite may run when scoring.
    """
    if setting not in SETTINGS:
        raise ConfigError(f"task.setting must be one of {', '.join(SETTINGS)}, got {setting!r}")
    if not 1 <= sessions <= len(load_minisuite().issues):
        raise ConfigError(f"task.sessions must be 1-{len(load_minisuite().issues)}, got {sessions}")
    user = simulator or ProfileSimulator(mode="llm")
    if judge == "auto":
        judge = user.mode if isinstance(user, ProfileSimulator) else "llm"  # type: ignore[assignment]
    samples = [
        session_sample(profile, position, session, setting, histories)
        for position, profile in _profiles(profiles)
        for session in range(1, sessions + 1)
    ]
    from harness import simulated_user

    from ._agents import default_agent
    from ._seat import user_seat

    return Task(
        dataset=MemoryDataset(samples, name=f"stateful_swe:{setting}"),
        setup=[simulated_user(), user_seat(user)],
        solver=default_agent(),
        scorer=session_outcome(judge=judge, satisfied_at=satisfied_at, test_timeout=test_timeout),
        sandbox=_sandbox(sandbox),
        message_limit=message_limit,
        metadata={"setting": setting, "simulator": user.name, "judge": judge, "satisfied_at": satisfied_at},
    )
