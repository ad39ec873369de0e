"""The results record on disk: checked against its published schema, written atomically, read back."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from harness._errors import ResultsError, storage_error
from harness.config._schemas import load_schema
from harness.results._redact import redact_record

RESULTS_FILE = "results.json"
MAX_RECORD_BYTES = 64 * 2**20


def results_schema() -> dict[str, Any]:
    """The published JSON Schema of a results record."""
    return load_schema("results.schema.json")


def validate_record(record: dict[str, Any], source: str = "results record") -> None:
    """Raise `ResultsError` naming the first field that breaks the schema."""
    from harness.config._validation import validate

    try:
        validate(record, results_schema(), error=ResultsError)  # type: ignore[arg-type]
    except ResultsError as ex:
        raise ResultsError(f"{source} is invalid: {ex}") from ex


def write_record(record: dict[str, Any], out_dir: Path) -> Path:
    """Validate and write `results.json` atomically: readers see the old file or the new one, never half.

    Raises:
        ResultsError: The record breaks the schema, or the file cannot be written.
    """
    record = redact_record(record)
    validate_record(record)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / RESULTS_FILE
    try:
        text = json.dumps(record, indent=2, default=str, allow_nan=False)
    except ValueError as ex:  # NaN or infinity: JSON has no such numbers and readers choke on them
        raise ResultsError(f"the results record for {out_dir} holds a non-finite number: {ex}") from ex
    atomic_write_text(target, text + "\n")
    return target


def atomic_write_text(path: Path, text: str) -> None:
    """Write through a temporary file in the same directory, fsync, then rename over `path`.

    Raises:
        StorageError: The file cannot be written (full disk: exit 1; permissions, missing or
            read-only directory: exit 2); the message names `path`. The old file stays whole.
    """
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as ex:
        raise storage_error(path, ex) from ex
    try:
        os.fchmod(handle, 0o666 & ~_umask())  # mkstemp's 0600 would make the record private to its writer
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as ex:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(ex, OSError):
            raise storage_error(path, ex) from ex
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def read_record(path: str | Path) -> dict[str, Any]:
    """Read and validate a results record (a `results.json` file or the directory holding it).

    Raises:
        ResultsError: The file is missing or unreadable, is not UTF-8 JSON, nests too deeply,
            holds NaN or infinity, or breaks the schema; the message names the file.
    """
    path = Path(path)
    if path.is_dir():
        path = path / RESULTS_FILE
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_RECORD_BYTES + 1)
        if len(raw) > MAX_RECORD_BYTES:
            raise ResultsError(f"results record '{path}' is larger than {MAX_RECORD_BYTES // 2**20} MiB")
        record = json.loads(raw.decode("utf-8"), parse_constant=_non_finite)
    except OSError as ex:
        raise ResultsError(f"cannot read results record '{path}': {ex.strerror or ex}") from ex
    except UnicodeDecodeError as ex:
        raise ResultsError(f"results record '{path}' is not UTF-8 (byte offset {ex.start})") from ex
    except RecursionError as ex:
        raise ResultsError(f"results record '{path}' nests too deeply to be a results record") from ex
    except ValueError as ex:
        raise ResultsError(f"results record '{path}' is not valid JSON: {ex}") from ex
    if not isinstance(record, dict):
        raise ResultsError(f"results record '{path}' is not a JSON object")
    validate_record(record, source=str(path))
    return record


def _non_finite(constant: str) -> Any:
    raise ValueError(f"{constant} is not a number a results record may hold")
