"""Plugin parameters: read from a factory's signature and docstring, as JSON Schema."""

from __future__ import annotations

import collections.abc
import inspect
import types
import typing
from dataclasses import dataclass
from typing import Any, Callable, Literal, Union

_MISSING = inspect.Parameter.empty
_SCALARS: dict[Any, dict[str, Any]] = {
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
    str: {"type": "string"},
    type(None): {"type": "null"},
}


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a plugin factory.

    Attributes:
        name: Parameter name (`task.NAME=...`).
        schema: JSON Schema of accepted values.
        required: Whether the factory has no default for it.
        default: The default, when there is one.
        doc: Its description from the factory's `Args:` docstring section.
    """

    name: str
    schema: dict[str, Any]
    required: bool
    default: Any = None
    doc: str = ""


def factory_params(factory: Callable[..., Any]) -> list[ParamSpec]:
    """The user-settable parameters of a plugin factory.

    `*args`/`**kwargs` are not listed; a factory that takes `**kwargs` accepts
    any extra key (see `accepts_extra_params`).
    """
    signature = inspect.signature(factory)
    try:
        hints = typing.get_type_hints(factory, include_extras=True)
    except Exception:  # unresolvable forward references: fall back to raw annotations
        hints = {}
    docs = _arg_docs(inspect.getdoc(factory) or "")
    params = []
    for name, param in signature.parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        annotation = hints.get(name, param.annotation)
        schema = annotation_schema(annotation) if annotation is not _MISSING else {}
        if not schema and param.default not in (_MISSING, None):
            schema = dict(_SCALARS.get(type(param.default), {}))
        required = param.default is _MISSING
        default = None if required else _jsonable(param.default)
        if not required and default is not None:
            schema = {**schema, "default": default}
        params.append(ParamSpec(name, schema, required, default, docs.get(name, "")))
    return params


def accepts_extra_params(factory: Callable[..., Any]) -> bool:
    return any(p.kind is p.VAR_KEYWORD for p in inspect.signature(factory).parameters.values())


def params_schema(factory: Callable[..., Any]) -> dict[str, Any]:
    """A JSON Schema object for a factory's keyword parameters."""
    params = factory_params(factory)
    return {
        "type": "object",
        "properties": {p.name: p.schema for p in params},
        "required": [p.name for p in params if p.required],
        "additionalProperties": accepts_extra_params(factory),
    }


def annotation_schema(annotation: Any) -> dict[str, Any]:
    """JSON Schema for a type annotation; `{}` (anything) where it cannot say.

    `Annotated[int, pydantic.Field(ge=1)]` (or `annotated_types` constraints, e.g.
    `Annotated[str, Field(pattern=r"^[0-9]+[kmg]$")]`) adds the constraints, so a plugin declares
    ranges and units in its signature and a bad value is refused before the plugin is called.
    """
    if annotation in _SCALARS:
        return dict(_SCALARS[annotation])
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _constrained_schema(annotation)
    if origin is Literal:
        return {"enum": list(args)}
    if origin in (Union, types.UnionType):
        options = [annotation_schema(a) for a in args]
        if any(not o for o in options):
            return {}
        return {"anyOf": options}
    if origin in (list, tuple, set, frozenset, typing.Sequence, collections.abc.Sequence):
        item = annotation_schema(args[0]) if args and args[0] is not Ellipsis else {}
        return {"type": "array", "items": item} if item else {"type": "array"}
    if origin is dict or annotation is dict:
        return {"type": "object"}
    if annotation is list:
        return {"type": "array"}
    return {}


def _constrained_schema(annotation: Any) -> dict[str, Any]:
    """An `Annotated` type's schema, with its constraints, as pydantic states them."""
    from pydantic import PydanticSchemaGenerationError, TypeAdapter

    try:
        schema = TypeAdapter(annotation).json_schema()
    except (PydanticSchemaGenerationError, TypeError, ValueError):
        return annotation_schema(typing.get_args(annotation)[0])
    if "$defs" in schema or "$ref" in schema:  # a model: leave it to the plugin to check
        return annotation_schema(typing.get_args(annotation)[0])
    return {key: value for key, value in schema.items() if key not in ("title", "description")}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return repr(value)


def _arg_docs(doc: str) -> dict[str, str]:
    """Parameter descriptions from a docstring: Google `Args:`, NumPy `Parameters` or reST `:param x:`."""
    import docstring_parser

    try:
        parsed = docstring_parser.parse(doc)
    except docstring_parser.ParseError:
        return {}
    return {p.arg_name.lstrip("*"): " ".join((p.description or "").split()) for p in parsed.params}
