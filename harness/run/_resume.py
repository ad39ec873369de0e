"""Finishing a run that was killed: its saved configuration, its partial log, inspect's own retry.

Every run directory gets `run.json` when the run starts: the run id and the configuration (secrets
redacted). `harness eval --resume RUN_DIR` plans that configuration again, recovers the partial
inspect log (`inspect_ai.log.recover_eval_log`) and hands it to inspect as the previous attempt,
so completed samples are reused and only the rest run; the record is then written as usual.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from harness._errors import ConfigError
from harness.config._run_config import RunConfig
from harness.results._record_file import atomic_write_text
from harness.results._redact import REDACTED, redact

RUN_FILE = "run.json"


def save_run_file(run_dir: Path, run_id: str, config: RunConfig) -> Path:
    """Write `run.json`: what `--resume` needs to plan the run again (secrets redacted)."""
    data = {"run_id": run_id, "config": redact(asdict(config))}
    path = run_dir / RUN_FILE
    atomic_write_text(path, json.dumps(data, indent=2, default=str) + "\n")
    return path


def resumed_run_id(run_dir: Path) -> str:
    """The run id saved in a run directory's `run.json`."""
    return str(json.loads((run_dir / RUN_FILE).read_text(encoding="utf-8"))["run_id"])


def load_run_file(run_dir: str | Path, overrides: dict[str, str]) -> tuple[str, RunConfig]:
    """The run id and configuration saved in `run_dir`, with `KEY=VALUE` overrides applied.

    Raises:
        ConfigError: No `run.json` there, or it holds redacted secrets no override gives again.
    """
    from harness.config._run_config import load_run_config

    path = Path(run_dir) / RUN_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        saved = data["config"]
        run_id = str(data["run_id"])
    except (OSError, ValueError, KeyError, TypeError) as ex:
        raise ConfigError(
            f"{path} is missing or unreadable: --resume takes the directory of a run `harness eval` started"
        ) from ex
    tokens: dict[str, str] = {"task": saved["task"], "model": saved["model"]}
    for key in ("solver", "scorer", "simulator"):
        if saved.get(key):
            tokens[key] = saved[key]
    for key, value in (saved.get("options") or {}).items():
        tokens[key] = json.dumps(value) if not isinstance(value, str) else value
    for kind, values in (saved.get("raw_args") or {}).items():
        for name, raw in values.items():
            tokens[f"{kind}.{name}"] = raw
    for kind, values in (saved.get("args") or {}).items():
        for name, value in (values or {}).items():
            key = f"{kind}.{name}" if kind != "model" else f"model_args.{name}"
            tokens.setdefault(key, json.dumps(value) if not isinstance(value, str) else value)
    for role, model in (saved.get("model_roles") or {}).items():
        tokens[f"model_roles.{role}"] = model
    tokens.update(overrides)
    missing = sorted(key for key, value in tokens.items() if value == REDACTED)
    if missing:
        raise ConfigError(
            f"the saved run has redacted secrets ({', '.join(missing)}); give them again, e.g. "
            f"harness eval --resume {run_dir} {missing[0]}=..."
        )
    return run_id, load_run_config(tokens)


def partial_log(run_dir: Path) -> Any:
    """The run's inspect log as it was left, recovered when the process died while writing it.

    Raises:
        ConfigError: The directory holds no inspect log.
    """
    from harness.run._logs import newest_log, read_log

    location = newest_log(str(run_dir)) if run_dir.is_dir() else None
    if location is None:
        raise ConfigError(f"{run_dir} holds no inspect log to resume; run it again instead")
    return read_log(location, recover=True)


def previous_task(log: Any, task: Any) -> Any:
    """inspect's description of an earlier attempt, so eval() reuses its completed samples."""
    from inspect_ai._eval.task.task import PreviousTask  # private: the type eval_retry and eval_set use

    return PreviousTask(
        id=log.eval.task_id, task=task, task_args={}, model=None, model_roles=None, sandbox=None, log=log, log_info=None
    )


def retire_previous_log(previous: str | None, current: str | None) -> None:
    """Remove the log a resumed run started from, once inspect has written the new one.

    inspect writes a resumed run to a new log that holds the earlier attempt's completed samples
    too; the old, half-written log would otherwise stay beside it, a second copy of those samples
    for anyone listing the directory. Only a local file is removed, and only when the new log exists.
    """
    import os

    if not previous or not current or previous == current or "://" in previous:
        return
    if os.path.isfile(current) and os.path.isfile(previous):
        os.remove(previous)
