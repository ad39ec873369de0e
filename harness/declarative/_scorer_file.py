"""`scorer=FILE.yaml`: a declarative scorer file names the scorer plugin that reads it.

The file's top-level `scorer:` key is a scorer plugin name; the harness calls that plugin with
`path=FILE` (plus any scorer.* arguments). Metric sets induced by the metric-induction plugin are
such files (`scorer: induced_metrics`).
"""

from __future__ import annotations

from pathlib import Path

from harness._errors import ConfigError
from harness.declarative._task_file import YAML_SUFFIXES


def is_scorer_file(name: str) -> bool:
    """Whether a scorer= value is a YAML file rather than a plugin name."""
    return name.endswith(YAML_SUFFIXES)


def scorer_plugin_for(path: str) -> str:
    """The scorer plugin named by the file's `scorer:` key."""
    import yaml

    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"scorer file {path} not found")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as ex:
        raise ConfigError(f"{path}: not valid YAML: {str(ex).splitlines()[0]}") from ex
    plugin = data.get("scorer") if isinstance(data, dict) else None
    if not isinstance(plugin, str) or not plugin:
        raise ConfigError(f"{path}: a scorer file needs a top-level `scorer: PLUGIN` naming the scorer that reads it")
    return plugin
