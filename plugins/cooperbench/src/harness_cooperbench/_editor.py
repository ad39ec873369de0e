"""A `text_editor` tool bound to one named sandbox environment.

inspect's own text_editor picks whichever of the sample's containers already has its helper
injected, not the agent's, so with two agents it can edit the wrong checkout. This one has the same
commands (view, create, str_replace, insert, undo_edit) and works through `sandbox(name)`.
"""

from __future__ import annotations

from typing import Literal

from inspect_ai.tool import Tool, ToolError, tool
from inspect_ai.util import sandbox

_VIEW_LIMIT = 16_000


@tool(name="text_editor")
def sandbox_text_editor(environment: str) -> Tool:
    """A file viewer and editor working in the sandbox environment `environment`.

    Args:
        environment: Name of the sample's sandbox environment (the agent's container).
    """
    history: dict[str, list[str]] = {}

    async def execute(
        command: Literal["view", "create", "str_replace", "insert", "undo_edit"],
        path: str,
        file_text: str | None = None,
        insert_line: int | None = None,
        new_str: str | None = None,
        old_str: str | None = None,
        view_range: list[int] | None = None,
    ) -> str:
        """View, create and edit files.

        Args:
            command: view (a file with line numbers, or a directory's listing), create (write file_text),
                str_replace (replace old_str, which must occur exactly once, by new_str), insert (new_str
                after line insert_line; 0 = at the top), undo_edit (revert the last edit of path).
            path: Absolute path, or relative to the repository.
            file_text: The content for create.
            insert_line: The line after which insert puts new_str.
            new_str: Replacement text (str_replace) or text to insert (insert).
            old_str: The text str_replace replaces.
            view_range: [first, last] lines to view (1-based; last = -1 for the end).
        """
        box = sandbox(environment)
        if command == "view":
            return await _view(environment, path, view_range)
        if command == "create":
            if file_text is None:
                raise ToolError("create needs file_text")
            await _remember(environment, path, history)
            await box.write_file(path, file_text)
            return f"File created successfully at: {path}"
        if command == "undo_edit":
            if not history.get(path):
                raise ToolError(f"no edit of {path} to undo")
            await box.write_file(path, history[path].pop())
            return f"Last edit to {path} undone"
        text = await _read(environment, path)
        updated = _edited(text, command, path, old_str, new_str, insert_line)
        history.setdefault(path, []).append(text)
        await box.write_file(path, updated)
        return f"The file {path} has been edited."

    return execute


def _edited(
    text: str, command: str, path: str, old_str: str | None, new_str: str | None, insert_line: int | None
) -> str:
    """The file's text after a str_replace or insert (ToolError for a bad request)."""
    if command == "str_replace":
        if not old_str:
            raise ToolError("str_replace needs old_str")
        count = text.count(old_str)
        if count != 1:
            raise ToolError(f"old_str occurs {count} times in {path}; it must occur exactly once")
        return text.replace(old_str, new_str or "", 1)
    if command == "insert":
        if insert_line is None or new_str is None:
            raise ToolError("insert needs insert_line and new_str")
        lines = text.splitlines(keepends=True)
        if not 0 <= insert_line <= len(lines):
            raise ToolError(f"insert_line {insert_line} is outside 0..{len(lines)}")
        addition = new_str if new_str.endswith("\n") else new_str + "\n"
        return "".join(lines[:insert_line]) + addition + "".join(lines[insert_line:])
    raise ToolError(f"unknown command {command!r}")


async def _read(environment: str, path: str) -> str:
    try:
        return await sandbox(environment).read_file(path)
    except (FileNotFoundError, IsADirectoryError, PermissionError, UnicodeDecodeError) as ex:
        raise ToolError(f"cannot read {path}: {ex}") from None


async def _remember(environment: str, path: str, history: dict[str, list[str]]) -> None:
    try:
        history.setdefault(path, []).append(await sandbox(environment).read_file(path))
    except (FileNotFoundError, IsADirectoryError, PermissionError, UnicodeDecodeError):
        pass


async def _view(environment: str, path: str, view_range: list[int] | None) -> str:
    box = sandbox(environment)
    is_dir = await box.exec(["test", "-d", path])
    if is_dir.success:
        listing = await box.exec(["find", path, "-maxdepth", "2", "-not", "-path", "*/.*"])
        return listing.stdout[:_VIEW_LIMIT]
    lines = (await _read(environment, path)).splitlines()
    first, last = 1, len(lines)
    if view_range:
        if len(view_range) != 2:
            raise ToolError("view_range is [first, last]")
        first, last = view_range[0], (len(lines) if view_range[1] == -1 else view_range[1])
        if not 1 <= first <= max(last, 1) or last > len(lines):
            raise ToolError(f"view_range {view_range} is outside the file's {len(lines)} lines")
    numbered = "\n".join(f"{n:6}\t{lines[n - 1]}" for n in range(first, last + 1))
    return numbered[:_VIEW_LIMIT]
