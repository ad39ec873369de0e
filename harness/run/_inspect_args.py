"""Which run options go to inspect, read from the schemas (`"x-inspect"` on a property).

`"x-inspect": "eval"` passes the option to inspect's `eval`/`eval_set` under the same name;
`"x-inspect": "eval_set"` only to `eval_set`; `"x-inspect": "sandbox"` is the `TYPE[:CONFIG]`
string inspect takes as a tuple. Options without it are the harness's own (log_dir, plugin
arguments...). Adding an inspect option is then one line of schema, not a list kept by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

INSPECT_KEYWORD = "x-inspect"


def inspect_eval_args(
    options: Mapping[str, Any], schema: Mapping[str, Any], *, eval_set: bool = False
) -> dict[str, Any]:
    """The inspect keyword arguments among `options`, as declared by `schema`'s properties."""
    properties = schema.get("properties", {})
    arguments: dict[str, Any] = {}
    for key, value in options.items():
        target = properties.get(key, {}).get(INSPECT_KEYWORD)
        if target == "eval" or (target == "eval_set" and eval_set):
            arguments[key] = value
        elif target == "sandbox":
            kind, _, config = str(value).partition(":")
            arguments["sandbox"] = (kind, config) if config else kind
    return arguments
