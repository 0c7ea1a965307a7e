"""Minimal valid arguments for every operation, derived from the fake's tables."""

from __future__ import annotations

from typing import Any

import lattice_stripe
from lattice_stripe._runtime.testing.schema import component, deref, operations

# Where the spec's type is wider than what the SDK's guards accept.
GUARDED = {"accounts.reject": {"reason": "fraud"}}


def minimal(schema: dict[str, Any], name: str = "") -> Any:
    """A small value the schema accepts."""
    schema = deref(schema)
    if "anyOf" in schema:
        branch = next((b for b in schema["anyOf"] if deref(b).get("enum") != [""]), schema["anyOf"][0])
        return minimal(branch, name)
    typ = schema.get("type")
    if typ == "string":
        if schema.get("format") == "binary":
            return b"%PDF-1.4 evidence"
        enum = [v for v in schema.get("enum", []) if v != ""]
        return enum[0] if enum else ("usd" if name == "currency" else "x")
    if typ in ("integer", "number"):
        return 1
    if typ == "boolean":
        return True
    if typ == "array":
        return [minimal(schema.get("items", {}), name)]
    if typ == "object":
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        if not props and isinstance(extra, dict):  # a map (a meter event's payload): one entry
            return {"key": minimal(extra, "key")}
        keys = schema.get("required") or sorted(props)[:1]  # an empty hash is not sent at all
        return {k: minimal(props.get(k, {}), k) for k in keys}
    return "x"


def calls() -> list[str]:
    """Every v1 operation (v2 requests are JSON: tests/testing/test_v2_fake.py covers them)."""
    return sorted(call for call, op in operations().items() if op["path"].startswith("/v1/"))


def arguments(call: str) -> tuple[list[str], dict[str, Any]]:
    """(path ids, keyword arguments) for a minimal valid call."""
    op = operations()[call]
    schema = op["params"]
    props = schema.get("properties", {})
    kwargs = {k: minimal(props[k], k) for k in schema.get("required", [])}
    kwargs.update(GUARDED.get(call, {}))
    manifest = {m.call_path: m for m in lattice_stripe.manifest()}
    ids = [f"x_{name}" for name in manifest[call].path_params]
    return ids, kwargs


def method(client: Any, call: str) -> Any:
    target = client
    for part in call.split("."):
        target = getattr(target, part)
    return target


def response_schema_names(call: str) -> list[str]:
    response = operations()[call]["response"]
    return [response["$ref"]] if "$ref" in response else []


__all__ = ["arguments", "calls", "component", "method", "minimal", "response_schema_names"]
