"""The JSON Schemas shipped in `harness/schemas/`, read once each."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=None)
def load_schema(file_name: str) -> dict[str, Any]:
    """The schema `harness/schemas/FILE_NAME`, parsed."""
    return json.loads(resources.files("harness.schemas").joinpath(file_name).read_text(encoding="utf-8"))
