"""Reading user files as text: size-capped, decoded strictly, with errors that point at the bad byte."""

from __future__ import annotations

from pathlib import Path

from harness._errors import ConfigError

MAX_FILE_BYTES = 256 * 2**20
"""Configuration and dataset files larger than this are refused rather than read into memory."""


def read_text(path: str | Path, what: str, encoding: str = "utf-8", max_bytes: int = MAX_FILE_BYTES) -> str:
    """The file's text, decoded with `encoding`.

    Raises:
        ConfigError: The file cannot be read, is larger than `max_bytes`, or holds bytes that are not
            `encoding`; the message names the file, the line and the byte offset, and the fix.
    """
    path = Path(path)
    try:
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as ex:
        raise ConfigError(f"cannot read {what} '{path}': {ex.strerror or ex}") from ex
    if len(data) > max_bytes:
        raise ConfigError(f"{what} '{path}' is larger than {max_bytes // 2**20} MiB; refusing to read it")
    return decode(data, path, what, encoding)


def decode(data: bytes, path: str | Path, what: str, encoding: str = "utf-8") -> str:
    """Decode `data` read from `path`, naming the line and byte offset of the first bad byte."""
    try:
        return data.decode(encoding)
    except LookupError as ex:
        raise ConfigError(f"{what} '{path}': unknown encoding '{encoding}'") from ex
    except UnicodeDecodeError as ex:
        line = data[: ex.start].count(b"\n") + 1
        hint = (
            "save it as UTF-8, or set its encoding (e.g. `encoding: latin-1` for a dataset)"
            if encoding.replace("-", "").lower() == "utf8"
            else "check the encoding"
        )
        raise ConfigError(
            f"{path}:{line}: {what} is not valid {encoding} (byte 0x{data[ex.start]:02x} at offset {ex.start}); {hint}"
        ) from ex
