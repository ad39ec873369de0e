"""Example tasks shipped with the core, defined as YAML files in the repository's `tasks/`."""

from __future__ import annotations

from importlib import resources
from typing import Any


def _shipped(file_name: str) -> Any:
    from harness.declarative._task_file import load_yaml_task

    with resources.as_file(resources.files("harness.shipped_tasks").joinpath(file_name)) as path:
        return load_yaml_task(path)


def arithmetic() -> Any:
    """Twelve one-step arithmetic word problems, scored by numeric match."""
    return _shipped("arithmetic.yaml")


def capitals() -> Any:
    """Ten capital-city questions, scored by whether the reply includes the answer."""
    return _shipped("capitals.yaml")


def sentiment() -> Any:
    """Ten short reviews labelled positive or negative, scored by the first word of the reply."""
    return _shipped("sentiment.yaml")
