"""Invalid requests derived from an operation's schema: each names the parameter it breaks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lattice_stripe._runtime.testing.schema import deref, operations

from .surface import minimal


def _leaves(
    schema: dict[str, Any], path: list[str], depth: int = 0
) -> Iterator[tuple[list[str], dict[str, Any]]]:
    """(bracket path, schema) of every scalar reachable through objects, lists and unions."""
    schema = deref(schema)
    if depth > 4:
        return
    for branch in schema.get("anyOf", ()):
        if deref(branch).get("enum") != [""]:
            yield from _leaves(branch, path, depth + 1)
    typ = schema.get("type")
    if typ == "object":
        for key, sub in sorted(schema.get("properties", {}).items()):
            yield from _leaves(sub, [*path, key], depth + 1)
    elif typ == "array":
        yield from _leaves(schema.get("items", {}), [*path, "0"], depth + 1)
    elif typ:
        yield path, schema


def wire(path: list[str]) -> str:
    return path[0] + "".join(f"[{p}]" for p in path[1:])


def _nest(path: list[str], value: Any, schema: dict[str, Any]) -> dict[str, Any]:
    """Top-level params putting ``value`` at ``path``, with the required siblings on the way."""
    out: dict[str, Any] = {}
    node, current = out, deref(schema)
    for i, key in enumerate(path):
        current = deref(current)
        if current.get("anyOf"):
            current = deref(next(b for b in current["anyOf"] if deref(b).get("type") in ("object", "array")))
        if current.get("type") == "array":
            current = deref(current.get("items", {}))
            if current.get("anyOf"):
                current = deref(next(b for b in current["anyOf"] if deref(b).get("enum") != [""]))
        props = current.get("properties", {})
        for req in current.get("required", []):
            if req != key and i > 0:
                node[req] = minimal(props.get(req, {}), req)
        if i == len(path) - 1:
            node[key] = value
        else:
            node = node.setdefault(key, {})
            current = props.get(key, {}) if not key.isdigit() else current
    return out


def probes(call: str) -> dict[str, tuple[dict[str, Any], str]]:
    """Per kind of mistake: (params to send as a form, the param the error must name; "" for
    the valid ``unset`` probe)."""
    op = operations()[call]
    schema = op["params"]
    props = schema.get("properties", {})
    base = {k: minimal(props[k], k) for k in schema.get("required", [])}
    found: dict[str, tuple[dict[str, Any], str]] = {"unknown": ({**base, "bogus_param": "1"}, "bogus_param")}
    if schema.get("required"):
        missing = schema["required"][0]
        found["missing"] = ({k: v for k, v in base.items() if k != missing}, missing)
    else:
        for key, sub in sorted(props.items()):
            obj = deref(sub)
            obj = next((deref(b) for b in obj.get("anyOf", []) if deref(b).get("type") == "object"), obj)
            required = obj.get("required", [])
            others = [k for k in sorted(obj.get("properties", {})) if k != (required or [""])[0]]
            if obj.get("type") == "object" and required and others:
                kept = {k: minimal(obj["properties"][k], k) for k in required[1:] or others[:1]}
                found["missing"] = ({key: kept}, f"{key}[{required[0]}]")
                break
    for path, leaf in _leaves(schema, []):
        if path[0] in base and len(path) > 1:
            continue
        name = wire(path)
        if (
            "enum" not in found
            and leaf.get("type") == "string"
            and leaf.get("enum")
            and not leaf.get("bypass")
        ):
            if "" not in leaf["enum"] and "0" not in path:
                found["enum"] = ({**base, **_nest(path, "not_a_real_value", schema)}, name)
        if "type" not in found and leaf.get("type") in ("integer", "boolean") and "0" not in path:
            found["type"] = ({**base, **_nest(path, "not_a_number", schema)}, name)
        limit = leaf.get("maxLength")
        if (
            "too_long" not in found
            and leaf.get("type") == "string"
            and limit
            and limit < 6000
            and "0" not in path
        ):
            if not leaf.get("enum"):
                found["too_long"] = ({**base, **_nest(path, "x" * (limit + 1), schema)}, name)
    for key, sub in sorted(props.items()):
        if key in base:
            continue
        sub = deref(sub)
        if "array" not in found and sub.get("type") == "array":
            found["array"] = ({**base, key: {"nested": "x"}}, key)  # a hash where a list belongs
        if "unset" not in found and any(deref(b).get("enum") == [""] for b in sub.get("anyOf", [])):
            found["unset"] = ({**base, key: ""}, "")  # "" clears the field: valid
    return found
