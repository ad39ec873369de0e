"""A YAML task's local dataset file: where it may be, and reading only the rows a run needs.

A relative `dataset.path` is relative to the task file and must stay inside the task file's
directory (`../` escaping it is an error: a task file from elsewhere must not read your files);
an absolute path is taken as given. With a limit, JSONL and CSV files are read only up to the
last row the run uses (`limit=5` reads 5 rows of a 100k-row file); JSON files, and shuffled
datasets (the limit applies after the shuffle), are read whole.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from harness._errors import ConfigError
from harness.config._text import MAX_FILE_BYTES, read_text
from harness.config._yaml_reader import YamlDocument


def dataset_path(document: YamlDocument) -> Path:
    """The dataset file a task names: relative to the task file and inside its directory, or absolute.

    Raises:
        ConfigError: The path leaves the task file's directory, or the file does not exist.
    """
    raw = document.data["dataset"]["path"]
    where = document.where(("dataset", "path"))
    home = document.path.parent.resolve()
    given = Path(raw).expanduser()
    path = given if given.is_absolute() else (home / given).resolve()
    if not given.is_absolute() and not path.is_relative_to(home):
        raise ConfigError(
            f"{where}: dataset path '{raw}' leads outside the task file's directory ({home}); "
            "put the data beside the task file, or give its absolute path"
        )
    if not path.is_file():
        raise ConfigError(f"{where}: dataset file '{path}' does not exist; paths are relative to the task file")
    return path


def stop_row(limit: Any) -> int | None:
    """The number of leading rows a run with inspect's `limit` (N, or [start, stop]) uses; None for all."""
    if limit is None or isinstance(limit, bool):
        return None
    if isinstance(limit, int):
        return max(limit, 0)
    if isinstance(limit, (list, tuple)) and len(limit) == 2 and all(isinstance(v, int) for v in limit):
        return max(int(limit[1]), 0)
    return None


def read_rows(document: YamlDocument, path: Path, stop: int | None = None) -> list[dict[str, Any]]:
    """The dataset's rows (the first `stop` of them when given) as dicts.

    Raises:
        ConfigError: The file cannot be read or decoded, or a row is malformed; naming file and line.
    """
    encoding = document.data["dataset"].get("encoding", "utf-8")
    if path.suffix == ".json":
        return _json_rows(document, path, read_text(path, "dataset", encoding=encoding))
    if stop is None:
        text = read_text(path, "dataset", encoding=encoding)
        return _csv_rows(path, io.StringIO(text, newline="")) if path.suffix == ".csv" else _jsonl_rows(
            path, text.splitlines()
        )
    return _rows_up_to(path, encoding, stop)


def _rows_up_to(path: Path, encoding: str, stop: int) -> list[dict[str, Any]]:
    """The first `stop` rows, reading the file only as far as they go."""
    try:
        with path.open(encoding=encoding, newline="") as stream:
            limited = _capped(stream, path)
            rows = _csv_rows(path, limited, stop) if path.suffix == ".csv" else _jsonl_rows(path, limited, stop)
    except LookupError as ex:
        raise ConfigError(f"dataset '{path}': unknown encoding '{encoding}'") from ex
    except UnicodeDecodeError as ex:
        raise ConfigError(
            f"{path}: dataset is not valid {encoding} (byte 0x{ex.object[ex.start]:02x}); "
            "save it as UTF-8, or set its encoding (e.g. `encoding: latin-1` for a dataset)"
        ) from ex
    except OSError as ex:
        raise ConfigError(f"cannot read dataset '{path}': {ex.strerror or ex}") from ex
    return rows


def _capped(lines: Iterable[str], path: Path) -> Iterator[str]:
    """The lines, refusing to go on past the size a dataset file may have."""
    read = 0
    for line in lines:
        read += len(line)
        if read > MAX_FILE_BYTES:
            raise ConfigError(f"dataset '{path}' is larger than {MAX_FILE_BYTES // 2**20} MiB; refusing to read it")
        yield line


def _csv_rows(path: Path, lines: Iterable[str], stop: int | None = None) -> list[dict[str, Any]]:
    try:
        return list(islice(csv.DictReader(lines), stop))
    except csv.Error as ex:
        raise ConfigError(f"{path}: malformed CSV dataset: {ex}") from ex


def _jsonl_rows(path: Path, lines: Iterable[str], stop: int | None = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if stop is not None and len(rows) >= stop:
            break
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as ex:
            message = ex.msg if isinstance(ex, json.JSONDecodeError) else "nested too deeply"
            raise ConfigError(f"{path}:{number}: invalid JSON line in dataset: {message}") from ex
        if not isinstance(row, dict):
            raise ConfigError(f"{path}:{number}: dataset line must be a JSON object")
        rows.append(row)
    return rows


def _json_rows(document: YamlDocument, path: Path, text: str) -> list[dict[str, Any]]:
    try:
        rows = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as ex:
        raise ConfigError(f"{path}: invalid JSON dataset: {ex}") from ex
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ConfigError(f"{document.where(('dataset', 'path'))}: '{path.name}' must hold a JSON list of objects")
    return rows
