"""Earlier sessions with a developer: shipped transcripts, a scripted generator, loading and validation.

A history is `{"profile": ID, "sessions": [{"session": N, "title": ..., "turns": [{"role", "text",
"expresses"?}]}]}` (schema `history.schema.json`); sessions before the benchmark's are numbered
-1, -2, ... (-1 the most recent). `expresses` lists the preferences a user turn states: ground truth
for validation, never shown to agents (`agent_view` drops it).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from harness import ConfigError

from ._catalogue import Catalogue, load_catalogue
from ._data import data_path, read_document, validate
from ._matcher import PreferenceMatcher
from ._profiles import Profile
from ._style import phrase, thanks

PAST_TASKS = [
    ("Rename the --verbose flag to --debug", "renamed the flag in cli.py and its help text"),
    ("Speed up the CSV export", "replaced the row-by-row writes in export.py with one writer call"),
    ("Fix the flaky date test", "froze the clock in the date test so it no longer depends on today"),
    ("Add a --dry-run option to the sync script", "added the option and skipped the writes when it is set"),
    ("Handle empty input in the parser", "made the parser return an empty result for empty input"),
    ("Make the retry delay configurable", "read the delay from the settings with the old value as default"),
    ("Fix the off-by-one error in pagination", "corrected the page bounds in paging.py"),
    ("Clean up the logging set-up", "moved the logger configuration into one function"),
    ("Support Windows line endings in the importer", "normalised line endings before parsing"),
    ("Return a clearer error for a missing config file", "raised FileNotFoundError naming the path"),
    ("Cache the exchange rates for an hour", "added a small time-based cache around the rates lookup"),
    ("Sort the report by date", "sorted the rows by their date before rendering"),
]
"""Earlier tasks a developer asked for (titles and what the agent did), for generated histories."""


@dataclass(frozen=True)
class History:
    """A developer's earlier sessions (validated)."""

    profile: str
    sessions: list[dict[str, Any]]
    generator: str = "shipped"

    def agent_view(self) -> list[dict[str, Any]]:
        """The sessions as an agent may read them: titles and turns, without the `expresses` labels."""
        return [
            {
                "session": s["session"],
                "title": s["title"],
                "turns": [{"role": t["role"], "text": t["text"]} for t in s["turns"]],
            }
            for s in self.sessions
        ]

    def to_dict(self) -> dict[str, Any]:
        return {"profile": self.profile, "generator": self.generator, "sessions": self.sessions}


def render_markdown(session: dict[str, Any], name: str) -> str:
    """One earlier session as the Markdown transcript an agent finds in `history/`."""
    lines = [f"# Session {session['session']}: {session['title']}", ""]
    for turn in session["turns"]:
        who = name if turn["role"] == "user" else "Agent"
        lines += [f"**{who}:** {turn['text']}", ""]
    return "\n".join(lines)


def scripted_history(profile: Profile, sessions: int = 3, seed: int = 0, catalogue: Catalogue | None = None) -> History:
    """A history written from the profile without a model: each preference is stated at least once.

    Each session: the developer asks for an earlier task, the agent reports, the developer reacts with
    some of their preferences (in their style, in the catalogue's wording), the agent acknowledges,
    and the developer closes.
    """
    if sessions < 1:
        raise ConfigError(f"a history needs at least one session, got {sessions}")
    found = catalogue or load_catalogue()
    rng = random.Random(f"{profile.id}:{seed}")
    keys = list(profile.preferences)
    rng.shuffle(keys)
    per_session: list[list[str]] = [[] for _ in range(sessions)]
    for position, key in enumerate(keys):
        per_session[position % sessions].append(key)
    tasks = rng.sample(PAST_TASKS, k=min(sessions, len(PAST_TASKS)))
    written = []
    for index in range(sessions):
        title, done = tasks[index % len(tasks)]
        written.append(_session(-(sessions - index), title, done, per_session[index], profile, found, rng))
    return History(profile.id, written, generator=f"scripted:seed={seed}")


def _session(
    number: int, title: str, done: str, keys: list[str], profile: Profile, catalogue: Catalogue, rng: random.Random
) -> dict[str, Any]:
    turns: list[dict[str, Any]] = [
        {"role": "user", "text": f"{title}, please."},
        {"role": "agent", "text": f"Done: I {done}, and the tests pass."},
    ]
    for key in keys:
        saying = rng.choice(catalogue[key].says)
        turns.append({"role": "user", "text": phrase(profile.style, [saying]), "expresses": [key]})
        turns.append({"role": "agent", "text": "Understood, I will keep that in mind."})
    turns.append({"role": "user", "text": thanks(profile.style)})
    return {"session": number, "title": title, "turns": turns}


def check_history(
    data: dict[str, Any], profile: Profile, where: str, matcher: PreferenceMatcher | None = None
) -> History:
    """A history that passes the schema and the content rules, or ConfigError naming the first problem.

    Rules: user and agent alternate, starting with the user; a turn has at most 150 words; every
    `expresses` label is one of the profile's preferences and its turn's text states it (the
    preference ranks among the matcher's top three for that turn); every preference of the profile
    is stated somewhere.
    """
    validate(data, "history", where)
    if data["profile"] != profile.id:
        raise ConfigError(f"{where}: the history is of {data['profile']!r}, not {profile.id!r}")
    match = matcher or PreferenceMatcher()
    stated: set[str] = set()
    for session in data["sessions"]:
        _check_turns(session, profile, where, match, stated)
    missing = [key for key in profile.preferences if key not in stated]
    if missing:
        raise ConfigError(f"{where}: the history never states {missing} of {profile.id!r}")
    return History(profile.id, data["sessions"], data.get("generator", "file"))


def _check_turns(
    session: dict[str, Any], profile: Profile, where: str, match: PreferenceMatcher, stated: set[str]
) -> None:
    place = f"{where}: session {session['session']}"
    for position, turn in enumerate(session["turns"]):
        expected = "user" if position % 2 == 0 else "agent"
        if turn["role"] != expected:
            raise ConfigError(f"{place}, turn {position + 1}: expected the {expected} to speak, got {turn['role']}")
        if len(turn["text"].split()) > 150:
            raise ConfigError(f"{place}, turn {position + 1}: over 150 words")
        for key in turn.get("expresses", []):
            if key not in profile.preferences:
                raise ConfigError(f"{place}, turn {position + 1}: {key!r} is not a preference of {profile.id!r}")
            if key not in [k for k, _ in match.rank(turn["text"], 3)]:
                raise ConfigError(f"{place}, turn {position + 1}: the text does not state {key!r}: {turn['text']!r}")
            stated.add(key)


def load_history(profile: Profile, path: str | Path | None = None) -> History:
    """The shipped history of a profile, or one from a file or folder of `<profile>.json` (validated)."""
    if path is None:
        return _shipped(profile)
    file = Path(path)
    if file.is_dir():
        file = file / f"{profile.id}.json"
    if not file.is_file():
        raise ConfigError(f"history {file} not found (task.histories=FOLDER holding <profile>.json, or FILE.json)")
    return check_history(read_document(file, "history"), profile, str(file))


@cache
def _shipped(profile: Profile) -> History:
    file = data_path(f"histories/{profile.id}.json")
    return check_history(json.loads(file.read_text(encoding="utf-8")), profile, str(file))
