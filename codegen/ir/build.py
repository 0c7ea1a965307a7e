"""Spec -> IR: operations and the whole API, from the model, parameter and tree builders.

With ``schema.py``, ``models.py``, ``params.py``, ``tree.py`` and ``fake.py``, the only code
that reads the raw spec and its ``x-*`` extensions.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from ..runtime.options import OPTION_NAMES
from ..spec import LoadedSpec, SpecError
from . import naming
from .fake import fake_tables
from .models import ModelTypes
from .naming import NamingError, class_name
from .nodes import Api, Model, Operation, Param, ParamsDict
from .overrides import Applier, Overrides
from .params import ParamTypes
from .text import doc
from .tree import resource_tree

VERBS = ("get", "post", "delete")
FILES_BASE_URL = "https://files.stripe.com/"
# Served by the files host although the public spec gives them no `servers` override.
FILES_HOST_OPERATIONS = frozenset({("get", "/v1/quotes/{quote}/pdf")})


def build(loaded: LoadedSpec, overrides: Overrides | None = None) -> Api:
    """The IR of a spec, with what ``overrides/`` provides (default: the real registry)."""
    return _Builder(loaded, Applier(overrides or Overrides())).api()


class _Builder(ModelTypes, ParamTypes):
    def response_of(self, op: dict[str, Any]) -> dict[str, Any]:
        content = op.get("responses", {}).get("200", {}).get("content", {})
        if "application/json" in content:
            schema: dict[str, Any] = content["application/json"]["schema"]
            return schema
        if content:
            return {"binary": True}
        raise SpecError(f"{op.get('operationId')}: no 200 response")

    def facts(self, verb: str, path: str, op: dict[str, Any]) -> naming.OperationFacts:
        schema = self.response_of(op)
        names: list[str] = []
        for sub in schema.get("anyOf", [schema]):
            if "$ref" in sub:
                for n in self.members(self.ref_name(sub)):
                    value = self.object_value(self.schemas[n])
                    names.append(value or n)
        return naming.OperationFacts(verb, path, self.is_list_object(schema) == "list", tuple(names))

    def operations(self) -> list[tuple[naming.CallPath, Operation, list[ParamsDict], set[tuple[str, str]]]]:
        raw = [
            (verb, path, op)
            for path, item in sorted(self.doc_["paths"].items())
            for verb, op in sorted(item.items())
            if verb in VERBS
        ]
        calls = naming.infer_call_paths([self.facts(v, p, o) for v, p, o in raw])
        result = []
        for verb, path, op in raw:
            call = calls[(verb, path)]
            resource_cls = naming.resource_class_name((*call.namespaces, *call.resources))
            params_prefix = class_name(resource_cls, call.method, "params")
            dicts: list[ParamsDict] = []
            imports: set[tuple[str, str]] = set()
            path_params: list[Param] = []
            query: list[Param] = []
            param_schemas: dict[str, dict[str, Any]] = {}  # wire name -> schema, non-path params
            for p in op.get("parameters", []):
                if p["in"] != "path":
                    param_schemas[p["name"]] = p.get("schema", {})
                where = f"{verb.upper()} {path}"
                param = self.param(
                    p["name"],
                    p.get("schema", {}),
                    bool(p.get("required")),
                    class_name(params_prefix, p["name"]),
                    dicts,
                    where,
                    p.get("description"),
                )
                (path_params if p["in"] == "path" else query).append(param)
            body: list[Param] = []
            encoding = "query" if verb in ("get", "delete") else "form"
            for content_type, content in op.get("requestBody", {}).get("content", {}).items():
                if content_type == "multipart/form-data":
                    encoding = "multipart"
                schema = self.deref(content.get("schema", {}))
                required = set(schema.get("required", ()))
                for key, sub in sorted(schema.get("properties", {}).items()):
                    param_schemas[key] = sub
                    body.append(
                        self.param(key, sub, key in required, class_name(params_prefix, key), dicts, path)
                    )
            path_params.sort(key=lambda p: path.index("{" + p.wire_name + "}"))
            params = sorted(
                (self.narrowed(call.dotted, p, param_schemas[p.wire_name]) for p in query + body),
                key=lambda p: (not p.required, p.py_name),
            )
            minor_units = sorted(
                {u for w, sub in param_schemas.items() for u in self.minor_units(w, w, sub, None)}
            )
            naming.ensure_unique(
                ((p.py_name, p.wire_name) for p in (*path_params, *params)), f"parameter of {path}"
            )
            for p in params:
                if p.py_name in OPTION_NAMES:  # **options would swallow it
                    raise NamingError(
                        f"{verb.upper()} {path}: parameter {p.py_name!r} shadows a request option"
                    )
            response = self.response_of(op)
            if response.get("binary"):
                annotation, shape = "bytes", "S.BINARY"
            else:
                models: list[Model] = []
                typ = self.response_type(
                    response,
                    class_name(resource_cls, call.method, "response"),
                    op["operationId"],
                    models,
                    imports,
                )
                if models:
                    raise SpecError(f"{op['operationId']}: inline response object is not modelled")
                annotation, shape = typ.annotation, typ.shape
            servers = op.get("servers") or []
            on_files_host = servers and servers[0].get("url") == FILES_BASE_URL
            base = "files" if on_files_host or (verb, path) in FILES_HOST_OPERATIONS else "api"
            path_format = re.sub(r"\{[^}]+\}", "{}", path)
            operation = Operation(
                operation_id=op["operationId"],
                http_method=verb,
                path=path,
                path_format=path_format,
                http_line=doc(f"{verb.upper()} {path}"),
                method=call.method,
                call_path=call.dotted,
                path_params=tuple(path_params),
                params=tuple(params),
                return_annotation=annotation,
                response_shape=shape,
                encoding=encoding,
                base=base,
                doc=doc(op.get("description") or op.get("summary")),
                minor_units=tuple(minor_units),
            )
            result.append((call, operation, dicts, imports))
        return result

    def narrowed(self, call_path: str, param: Param, schema: dict[str, Any]) -> Param:
        """The param as overrides/registry.py narrows it (the guard enforces the same values)."""
        override = self.overrides.param(call_path, param.wire_name)
        if override is None:
            return param
        self.overrides.fingerprint(override, param.annotation, self.deref(schema).get("description"))
        return attrs.evolve(param, annotation=override.annotation)

    def api(self) -> Api:
        model_modules = self.model_modules()
        ops = self.operations()
        tree = resource_tree(ops, self.overrides.guards)
        models = {m.name: m.schema_name for mod in model_modules for m in mod.models}
        for rm in tree.modules:
            for r in rm.resources:
                if r.class_name in models:
                    raise NamingError(
                        f"resource class {r.class_name} (client.{'.'.join(r.chain)}) collides with the model"
                        f" for {models[r.class_name]}: add a rename to naming.RESOURCE_CLASS_RENAMES"
                    )
        live, deleted = self.object_classes()
        operations = tuple(sorted((op for _, op, _, _ in ops), key=lambda o: o.call_path))
        return Api(
            api_version=self.loaded.lock.api_version,
            sha256=self.loaded.lock.sha256,
            commit=self.loaded.lock.commit,
            root=tree.root,
            namespaces=tree.namespaces,
            resource_modules=tree.modules,
            model_modules=model_modules,
            operations=operations,
            object_classes=tuple(sorted(live.items())),
            deleted_object_classes=tuple(sorted(deleted.items())),
            event_types=self.event_types(),
            override_reviews=self.overrides.finish(self.loaded.lock.api_version),
            fake=fake_tables(self, operations),
        )

    def event_types(self) -> tuple[str, ...]:
        """Event types, as the spec lists them for webhook endpoints' ``enabled_events``."""
        op = self.doc_["paths"].get("/v1/webhook_endpoints", {}).get("post", {})
        content = op.get("requestBody", {}).get("content", {}).get("application/x-www-form-urlencoded", {})
        prop = content.get("schema", {}).get("properties", {}).get("enabled_events", {})
        values = self.deref(prop.get("items", {})).get("enum", [])
        return tuple(sorted(str(v) for v in values if v != "*"))
