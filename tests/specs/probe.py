"""Run inside a fresh interpreter that imports one generated package; prints JSON.

``python -m tests.specs.probe surface``: every manifest operation resolved on both clients
(each namespace and resource on the way imported: a class its module lacks is a problem).
``python -m tests.specs.probe fixtures FILE``: every fixture object through its model and back.
``python -m tests.specs.probe upload FILE``: ``files.create`` with a file tuple, on a local server.
``python -m tests.specs.probe calls SPEC_JSON BASE_URL``: every operation called with minimal
valid arguments (built from the spec's shapes), sync and async, against a server for that spec.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import sys
from typing import Any

from codegen.ir.naming import class_name, identifier
from codegen.spec import resolve
from overrides.registry import PARAM_OVERRIDES

UPLOAD = ("a.txt", b"hi", "text/plain")


def surface() -> dict[str, Any]:
    from lattice_stripe import AsyncStripeClient, StripeClient, manifest

    clients = (StripeClient("sk_test_x"), AsyncStripeClient("sk_test_x"))
    problems = []
    for op in manifest():
        for client in clients:
            target: Any = client
            try:  # every namespace and resource on the way imports its class from its module
                for part in op.call_path.split("."):
                    target = getattr(target, part, None)
            except ImportError as exc:
                problems.append(f"{type(client).__name__}.{op.call_path}: {exc}")
                continue
            is_async = client is clients[1]
            if not callable(target) or inspect.iscoroutinefunction(target) != is_async:
                problems.append(f"{type(client).__name__}.{op.call_path} is {target!r}")
    calls = [op.call_path for op in manifest()]
    return {"operations": len(calls), "distinct": len(set(calls)), "problems": problems}


def fixtures(path: str) -> dict[str, Any]:
    from lattice_stripe import UnknownObject, models
    from lattice_stripe._runtime.objects.shapes import AnyObject

    resources = json.loads(open(path, encoding="utf-8").read())["resources"]

    done, unknown, extra_fields, problems = 0, 0, 0, []
    for name, data in sorted(resources.items()):
        value = data.get("object")
        table = models.DELETED_OBJECT_CLASSES if data.get("deleted") else models.OBJECT_CLASSES
        if value is None:  # a fixture without `object` is named by its schema
            cls = getattr(models, class_name(name))
        elif value in table:
            cls = getattr(models, table[value])
        else:  # a preview feature's object: the public spec lacks it, it is kept as unknown
            kept = AnyObject().structurer()(data)
            if type(kept) is not UnknownObject or kept.to_dict() != data:
                problems.append(f"{name}: object {value!r} is not kept whole as an UnknownObject")
            done, unknown = done + 1, unknown + 1
            continue
        obj = cls.from_dict(data)
        again = obj.to_dict()
        if type(obj) is not cls or again != data:
            problems.append(f"{name}: {cls.__name__} round trip differs (extra keys {sorted(obj._extra)})")
        extra_fields += len(obj._extra or ())  # fields the public spec lacks: kept, not a failure
        done += 1
    return {
        "round_tripped": done,
        "fixtures": len(resources),
        "unknown": unknown,
        "unknown_fields": extra_fields,
        "problems": problems,
    }


def upload(fixtures_path: str) -> dict[str, Any]:
    """``files.create`` with a (name, content, type) tuple: sent as a multipart file part."""
    from lattice_stripe import InvalidArgumentError, StripeClient
    from tests.stripe_server import Reply, StripeServer

    file_object = json.loads(open(fixtures_path, encoding="utf-8").read())["resources"]["file"]
    server = StripeServer().start()
    try:
        client = StripeClient("sk_test_x", base_url=server.url, files_base_url=server.url, max_retries=0)
        purpose = file_object.get("purpose") or "dispute_evidence"
        try:
            client.files.create(file="hi", purpose=purpose)
            refused = None
        except InvalidArgumentError as exc:
            refused = str(exc)
        server.reply(Reply(200, file_object))
        created = client.files.create(file=UPLOAD, purpose=purpose)
        sent = server.last
        return {
            "refused": refused,
            "sent": {"path": sent.path, "body": sent.body.decode("latin-1")},
            "id": created.id,
        }
    finally:
        server.stop()


class Minimal:
    """The smallest valid value for a schema: required properties only, first enum values."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def value(self, schema: dict[str, Any], depth: int = 0) -> Any:
        while "$ref" in schema:
            schema = resolve(self.document, schema["$ref"])
        if "anyOf" in schema:  # skip the empty-string "unset" alternative
            usable = [s for s in schema["anyOf"] if s.get("enum") != [""]]
            return self.value(usable[0], depth)
        kind = schema.get("type")
        if "enum" in schema:
            return schema["enum"][0]
        if kind == "string":
            return UPLOAD if schema.get("format") == "binary" else "x"
        if kind == "integer":
            return 1
        if kind == "number":
            return 1.5
        if kind == "boolean":
            return True
        if kind == "array":
            return [self.value(schema.get("items", {}), depth + 1)]
        if kind == "object" or "properties" in schema:
            props = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            if not props and isinstance(extra, dict):  # a map (a meter event's payload): one entry
                return {"key": self.value(extra, depth + 1)}
            # an empty object would not be sent at all: take its first property then
            required = schema.get("required", ()) or sorted(props)[:1]
            return {k: self.value(props[k], depth + 1) for k in required if k in props}
        return "x"

    def arguments(self, op: dict[str, Any], multipart: bool) -> tuple[list[str], dict[str, Any]]:
        path = [f"x_{p['name']}" for p in op.get("parameters", []) if p["in"] == "path"]
        kwargs = {
            identifier(p["name"]): self.value(p.get("schema", {}))
            for p in op.get("parameters", [])
            if p["in"] != "path" and p.get("required")
        }
        for content in op.get("requestBody", {}).get("content", {}).values():
            schema = content.get("schema", {})
            while "$ref" in schema:
                schema = resolve(self.document, schema["$ref"])
            for key in schema.get("required", ()):
                sub = schema["properties"][key]
                value = self.value(sub)
                if multipart and value == "x":  # an upload part in specs that omit format: binary
                    value = UPLOAD
                kwargs[identifier(key)] = value
        return path, kwargs


def calls(spec_json: str, base_url: str) -> dict[str, Any]:
    from lattice_stripe import AsyncStripeClient, StripeClient, manifest

    document = json.loads(open(spec_json, encoding="utf-8").read())
    minimal = Minimal(document)
    plan = []
    for info in manifest():
        if not info.path.startswith("/v1/"):  # stripe-mock validates no v2 request
            continue
        op = document["paths"][info.path][info.http_method]
        multipart = "multipart/form-data" in op.get("requestBody", {}).get("content", {})
        args, kwargs = minimal.arguments(op, multipart)
        for override in PARAM_OVERRIDES:  # a narrowed parameter takes what its guard allows
            if override.call_path == info.call_path and override.param in kwargs:
                kwargs[override.param] = override.allowed[0]
        plan.append((info.call_path, args, kwargs))
    options = {"base_url": base_url, "files_base_url": base_url, "max_retries": 0}

    def method(client: Any, call_path: str) -> Any:
        for part in call_path.split("."):
            client = getattr(client, part)
        return client

    failures = []
    with StripeClient("sk_test_123", **options) as client:
        for call_path, args, kwargs in plan:
            try:
                method(client, call_path)(*args, **kwargs)
            except Exception as exc:
                failures.append(f"sync {call_path}({args}, {kwargs}): {type(exc).__name__}: {exc}")

    async def run_async() -> None:
        async with AsyncStripeClient("sk_test_123", **options) as aclient:
            for call_path, args, kwargs in plan:
                try:
                    await method(aclient, call_path)(*args, **kwargs)
                except Exception as exc:
                    failures.append(f"async {call_path}({args}, {kwargs}): {type(exc).__name__}: {exc}")

    asyncio.run(run_async())
    return {"called": len(plan), "failures": failures}


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    result = {"surface": surface, "fixtures": fixtures, "upload": upload, "calls": calls}[command](*rest)
    print(json.dumps(result))
