"""The fake's view of the spec: generated tables, form decoding and request validation.

Validation follows what Stripe's mock server does with the same spec: form values are
coerced to the schema's types (``"12"`` to 12, ``"true"`` to True), then checked for
unknown keys where the schema closes an object, required keys, enums, ``maxLength``, and
the ``anyOf`` unions (``""`` unsets a field). The first problem becomes a ``ParamError``
naming the parameter in bracket notation (``items[0][price]``).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from typing import Any

from ... import _fake_tables

_INT = re.compile(r"-?\d+").fullmatch
_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?").fullmatch


class ParamError(Exception):
    """A request the fake refuses, as Stripe words it (``invalid_request_error``)."""

    def __init__(self, param: str, message: str, code: str = "parameter_invalid") -> None:
        super().__init__(message)
        self.param = param
        self.message = message
        self.code = code


@functools.cache
def operations() -> dict[str, dict[str, Any]]:
    """Every operation by call path (``customers.create``)."""
    return {call: json.loads(text) for call, text in _fake_tables.OPERATIONS.items()}


@functools.cache
def component(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(_fake_tables.SCHEMAS[name])
    return schema


def deref(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = component(schema["$ref"])
    return schema


@functools.cache
def schema_of_object() -> dict[str, str]:
    """``object`` value -> component name, for live objects (``customer`` -> ``customer``)."""
    found: dict[str, str] = {}
    for name in _fake_tables.SCHEMAS:
        enum = component(name).get("properties", {}).get("object", {}).get("enum", [])
        if len(enum) == 1 and not name.startswith("deleted_"):
            found.setdefault(enum[0], name)
    return found


def decode_form(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """``a[b][0][c]=v`` and ``e[]=x`` pairs as nested dicts and lists (indexes stay dict keys
    until the schema says a list is wanted)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        head, _, rest = key.partition("[")
        parts = [head] + (rest[:-1].split("][") if rest.endswith("]") else ([rest] if rest else []))
        node: Any = out
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt = parts[i + 1] if not last else None
            if isinstance(node, list):
                if last:
                    node.append(value)
                    break
                child: Any = [] if nxt == "" else {}
                node.append(child)
                node = child
                continue
            if last:
                node[part] = value
            else:
                default: Any = [] if nxt == "" else {}
                existing = node.get(part)
                if not isinstance(existing, (dict, list)):
                    existing = node[part] = default
                node = existing
    return out


def _as_list(value: Any) -> list[Any] | None:
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and all(_INT(k) for k in value):
        return [value[k] for k in sorted(value, key=int)]
    return None


def _kind(value: Any) -> str:
    return "object" if isinstance(value, dict) else "array" if isinstance(value, list) else "string"


def coerce(schema: dict[str, Any], value: Any, name: str) -> Any:
    """The value converted to the schema's types, or ``ParamError`` for the first problem."""
    schema = deref(schema)
    branches = schema.get("anyOf")
    if branches:
        errors: list[ParamError] = []
        for branch in branches:
            try:
                return coerce(branch, value, name)
            except ParamError as exc:
                errors.append(exc)
        raise _closest(branches, errors, _kind(value))
    typ = schema.get("type")
    if value == "" and schema.get("nullable"):
        return None
    if typ == "string":
        if not isinstance(value, str):
            raise ParamError(name, f"Invalid string: {name} must be a string, not an {_kind(value)}")
        enum = schema.get("enum")
        if enum is not None and value not in enum and not schema.get("bypass"):
            allowed = ", ".join(str(v) for v in enum)
            raise ParamError(name, f"Invalid {name}: must be one of {allowed}")
        limit = schema.get("maxLength")
        if limit is not None and len(value) > limit:
            raise ParamError(
                name,
                f"Invalid string: {value[:20]}...; must be at most {limit} characters",
                "string_too_long",
            )
        return value
    if typ == "integer":
        if isinstance(value, str) and _INT(value):
            return int(value)
        raise ParamError(name, f"Invalid integer: {_show(value)}", "parameter_invalid_integer")
    if typ == "number":
        if isinstance(value, str) and _NUMBER(value):
            number = float(value)
            return int(number) if number.is_integer() and "." not in value else number
        raise ParamError(name, f"Invalid number: {_show(value)}")
    if typ == "boolean":
        if value in ("true", "false"):
            return value == "true"
        raise ParamError(name, f"Invalid boolean: {_show(value)}")
    if typ == "array":
        items = _as_list(value)
        if items is None:
            raise ParamError(name, f"Invalid array: {name} must be a list", "parameter_invalid_array")
        item_schema = schema.get("items", {})
        return [coerce(item_schema, v, f"{name}[{i}]") for i, v in enumerate(items)]
    if typ == "object":
        return _coerce_object(schema, value, name)
    return value  # no type: anything goes


def _closest(branches: list[dict[str, Any]], errors: list[ParamError], kind: str) -> ParamError:
    """The error of the branch shaped like the value (a hash for ``shipping[name]``), as
    Stripe reports it; the first one if none is."""
    for branch, error in zip(branches, errors, strict=True):
        schema = deref(branch)
        if schema.get("type", kind) == kind and not (kind == "string" and schema.get("enum") == [""]):
            return error
    return errors[0]


def _show(value: Any) -> str:
    return value if isinstance(value, str) else f"an {_kind(value)}"


def _coerce_object(schema: dict[str, Any], value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ParamError(name, f"Invalid object: {name} must be a hash", "parameter_invalid_object")
    props: dict[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    out: dict[str, Any] = {}
    for key, sub in value.items():
        where = f"{name}[{key}]" if name else key
        if key in props:
            out[key] = coerce(props[key], sub, where)
        elif isinstance(extra, dict):
            out[key] = coerce(extra, sub, where)
        elif extra is False or (extra is None and props and name):
            # A hash whose keys the spec lists is closed, as Stripe treats it (address[postcode]).
            raise ParamError(where, f"Received unknown parameter: {where}", "parameter_unknown")
        else:
            out[key] = sub
    for key in schema.get("required", ()):
        if key not in value:
            where = f"{name}[{key}]" if name else key
            raise ParamError(where, f"Missing required param: {where}.", "parameter_missing")
    return out


def validate(op: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The operation's decoded parameters, coerced; ``ParamError`` names the first bad one."""
    schema = op["params"]
    if op["verb"] != "post":  # query strings are closed too
        schema = {**schema, "additionalProperties": False}
    if not schema.get("properties") and not params:
        return {}
    return _coerce_object(schema, params, "")
