"""Spec -> the tables the in-process fake Stripe (``lattice_stripe.testing``) runs on.

Each operation and component schema is reduced to what validating a request and building
a response need (types, properties, required, enums, maxLength, expansions), as compact
JSON, so the fake never reads a spec file or a YAML parser at run time.
"""

from __future__ import annotations

import json
from typing import Any

from .nodes import FakeOperation, FakeTables, Operation
from .schema import SchemaView

# The JSON Schema keywords the fake interprets; everything else (prose, titles) is dropped.
_KEEP = ("type", "required", "enum", "maxLength", "nullable", "format")


def slim(schema: Any) -> Any:
    """The schema with only what the fake interprets; ``$ref`` becomes the component name."""
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return {"$ref": SchemaView.ref_name(schema)}
    out: dict[str, Any] = {k: schema[k] for k in _KEEP if k in schema}
    if "properties" in schema:
        out["properties"] = {k: slim(v) for k, v in sorted(schema["properties"].items())}
    if "items" in schema:
        out["items"] = slim(schema["items"])
    if "anyOf" in schema:
        out["anyOf"] = [slim(s) for s in schema["anyOf"]]
    extra = schema.get("additionalProperties")
    if extra is not None:
        out["additionalProperties"] = extra if isinstance(extra, bool) else slim(extra)
    expansions = schema.get("x-expansionResources", {}).get("oneOf")
    if expansions:
        out["expansions"] = [SchemaView.ref_name(s) for s in expansions]
    if schema.get("x-stripeBypassValidation"):
        out["bypass"] = True
    return out


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def fake_tables(view: SchemaView, operations: tuple[Operation, ...]) -> FakeTables:
    """One row per operation (by call path) and one per component schema."""
    rows = []
    for op in operations:
        raw = view.doc_["paths"][op.path][op.http_method]
        query: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for p in raw.get("parameters", []):
            if p["in"] == "path":
                continue
            query["properties"][p["name"]] = slim(p.get("schema", {}))
            if p.get("required"):
                query["required"].append(p["name"])
        body: dict[str, Any] = {}
        for content in raw.get("requestBody", {}).get("content", {}).values():
            body = slim(view.deref(content.get("schema", {})))
        content = raw.get("responses", {}).get("200", {}).get("content", {})
        response = slim(content["application/json"]["schema"]) if "application/json" in content else {}
        row = {
            "call": op.call_path,
            "id": op.operation_id,
            "verb": op.http_method,
            "path": op.path,
            "params": body if body.get("properties") else query,
            "response": response,
        }
        rows.append(FakeOperation(op.call_path, _compact(row)))
    schemas = tuple((name, _compact(slim(s))) for name, s in sorted(view.schemas.items()))
    return FakeTables(operations=tuple(rows), schemas=schemas)
