"""Spec -> IR. The only module that reads the raw spec and its ``x-*`` extensions."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

import attrs

from ..spec import LoadedSpec, SpecError, resolve
from . import naming
from .naming import NamingError, class_name, identifier, module_name
from .nodes import (
    Alias,
    Api,
    Field,
    Model,
    ModelModule,
    Namespace,
    Operation,
    Param,
    ParamsDict,
    Resource,
    ResourceModule,
    ResourceRef,
)
from .overrides import Applier, Overrides, is_minor_units

VERBS = ("get", "post", "delete")
FILES_BASE_URL = "https://files.stripe.com/"
# Served by the files host although the public spec gives them no `servers` override.
FILES_HOST_OPERATIONS = frozenset({("get", "/v1/quotes/{quote}/pdf")})

# Values that must never be printed: masked in repr/str, readable as attributes.
SECRET_FIELDS = {
    ("*", "client_secret"),
    ("ephemeral_key", "secret"),
    ("account_link", "url"),
    ("login_link", "url"),
    ("billing_portal.session", "url"),
}


def build(loaded: LoadedSpec, overrides: Overrides | None = None) -> Api:
    """The IR of a spec, with what ``overrides/`` provides (default: the real registry)."""
    return _Builder(loaded, overrides or Overrides()).api()


def doc(text: str | None) -> str:
    """Spec prose made safe for a triple-quoted docstring: no quote or escape can break out."""
    if not text:
        return ""
    text = re.sub(r"</?(p|code|a|strong|em|ul|li|br|b|i)\b[^>]*>", "", text)
    text = html.unescape(text).strip()
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    text = "".join(c if c.isprintable() or c == "\n" else f"\\x{ord(c):02x}" for c in text)
    if text.endswith('"'):
        text += " "
    return text


def _literal(values: Iterable[Any]) -> str:
    return "Literal[" + ", ".join(repr(str(v)) for v in values) + "]"


def _union(parts: Iterable[str]) -> str:
    unique: list[str] = []
    for part in parts:
        for piece in _split_union(part):
            if piece not in unique:
                unique.append(piece)
    if "None" in unique:  # None last reads best
        unique.remove("None")
        unique.append("None")
    return " | ".join(unique)


def _split_union(annotation: str) -> list[str]:
    """Split ``A | B[C | D]`` at top-level bars."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(annotation):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(annotation[start:i].strip())
            start = i + 1
    parts.append(annotation[start:].strip())
    return parts


def _depth_first(resource: Resource) -> list[Resource]:
    return [resource, *(r for child in resource.children for r in _depth_first(child))]


@attrs.define
class _TypeOut:
    annotation: str
    shape: str  # "None" = pass-through
    enum: tuple[str, ...] | None = None


class _Builder:
    def __init__(self, loaded: LoadedSpec, overrides: Overrides) -> None:
        self.loaded = loaded
        self.overrides = Applier(overrides)
        self.doc_ = loaded.document
        self.schemas: dict[str, Any] = self.doc_["components"]["schemas"]
        self.class_of = {n: class_name(n) for n in self.schemas}
        naming.ensure_unique(((c, n) for n, c in self.class_of.items()), "model class")
        self.module_of = {n: module_name(n) for n in self.schemas}
        naming.ensure_unique(((m, n) for n, m in self.module_of.items()), "model module")
        self.aliases = {n: s for n, s in self.schemas.items() if "anyOf" in s and "properties" not in s}

    # --- shared schema helpers -----------------------------------------------------

    def deref(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = resolve(self.doc_, schema["$ref"])
        return schema

    @staticmethod
    def ref_name(schema: dict[str, Any]) -> str:
        return str(schema["$ref"]).rsplit("/", 1)[-1]

    def members(self, name: str) -> list[str]:
        """Component names a ref stands for (a polymorphic alias stands for several)."""
        if name in self.aliases:
            out: list[str] = []
            for sub in self.aliases[name]["anyOf"]:
                out += self.members(self.ref_name(sub))
            return out
        return [name]

    def object_value(self, schema: dict[str, Any]) -> str | None:
        enum = schema.get("properties", {}).get("object", {}).get("enum")
        return str(enum[0]) if enum and len(enum) == 1 else None

    @staticmethod
    def is_list_object(schema: dict[str, Any]) -> str | None:
        props = schema.get("properties", {})
        kind = props.get("object", {}).get("enum")
        if kind == ["list"] and "data" in props:
            return "list"
        if kind == ["search_result"] and "data" in props:
            return "search"
        return None

    # --- response models -----------------------------------------------------------

    def model_modules(self) -> tuple[ModelModule, ...]:
        modules = []
        for name in sorted(self.schemas):
            schema = self.schemas[name]
            module = self.module_of[name]
            imports: set[tuple[str, str]] = set()
            if name in self.aliases:
                members = tuple(self.class_of[m] for m in self.members(name))
                for m in self.members(name):
                    imports.add((self.module_of[m], self.class_of[m]))
                alias = Alias(
                    self.class_of[name], name, members, _union(members), doc(schema.get("description"))
                )
                modules.append(ModelModule(module, (), (alias,), tuple(sorted(imports))))
                continue
            models: list[Model] = []
            self.model(name, self.class_of[name], schema, models, imports, top=True)
            own = {m.name for m in models}
            imports = {i for i in imports if i[1] not in own}
            modules.append(ModelModule(module, tuple(models), (), tuple(sorted(imports))))
        names = [(m.name, m.schema_name) for mod in modules for m in mod.models]
        naming.ensure_unique(names, "model class")
        return tuple(modules)

    def model(
        self,
        schema_name: str,
        cls: str,
        schema: dict[str, Any],
        out: list[Model],
        imports: set[tuple[str, str]],
        top: bool = False,
    ) -> None:
        required = set(schema.get("required", ()))
        fields = []
        owner = schema_name if top else "*"
        for prop in sorted(schema.get("properties", {})):
            sub = schema["properties"][prop]
            attr = identifier(prop)
            typ = self.response_type(sub, class_name(cls, prop), f"{schema_name}.{prop}", out, imports)
            nullable = bool(sub.get("nullable")) or prop not in required
            annotation = _union([typ.annotation, "None"]) if nullable else typ.annotation
            secret = (owner, prop) in SECRET_FIELDS or ("*", prop) in SECRET_FIELDS
            fields.append(
                Field(
                    json_name=prop,
                    attr=attr,
                    annotation=annotation,
                    shape=typ.shape,
                    required=prop in required,
                    nullable=bool(sub.get("nullable")),
                    enum=typ.enum,
                    doc=doc(sub.get("description")),
                    secret=secret,
                )
            )
        naming.ensure_unique(((f.attr, f.json_name) for f in fields), f"field of {cls}")
        props = schema.get("properties", {})
        deleted = props.get("deleted", {}).get("enum") == [True]
        # Nested classes come before their parent so the module reads bottom-up.
        out.append(
            Model(
                name=cls,
                schema_name=schema_name,
                fields=tuple(fields),
                doc=doc(schema.get("description")) or f"The ``{schema_name}`` object.",
                object_value=self.object_value(schema),
                deleted=deleted,
                mixin=self.overrides.model_mixin(schema_name, cls) if top else None,
            )
        )

    def response_type(
        self,
        schema: dict[str, Any],
        inline_name: str,
        where: str,
        out: list[Model],
        imports: set[tuple[str, str]],
    ) -> _TypeOut:
        if "$ref" in schema:
            names = self.members(self.ref_name(schema))
            for n in names:
                imports.add((self.module_of[n], self.class_of[n]))
            classes = [self.class_of[n] for n in names]
            if len(classes) == 1:
                return _TypeOut(classes[0], f'S.Model("{classes[0]}")')
            return _TypeOut(_union(classes), "S.OneOf(" + ", ".join(f'"{c}"' for c in classes) + ")")
        if "anyOf" in schema:
            refs = [s for s in schema["anyOf"] if "$ref" in s]
            others = [s for s in schema["anyOf"] if "$ref" not in s]
            if refs and all(s.get("type") == "string" and "enum" not in s for s in others):
                names = [n for r in refs for n in self.members(self.ref_name(r))]
                for n in names:
                    imports.add((self.module_of[n], self.class_of[n]))
                classes = [self.class_of[n] for n in names]
                quoted = ", ".join(f'"{c}"' for c in classes)
                if others:
                    return _TypeOut(_union(["str", *classes]), f"S.Expandable({quoted})")
                if len(classes) == 1:
                    return _TypeOut(classes[0], f'S.Model("{classes[0]}")')
                return _TypeOut(_union(classes), f"S.OneOf({quoted})")
            parts = [
                self.response_type(s, f"{inline_name}{i}", where, out, imports)
                for i, s in enumerate(schema["anyOf"])
            ]
            if any(p.shape != "None" for p in parts):
                raise SpecError(f"{where}: unsupported anyOf mixing models and other types")
            return _TypeOut(_union(p.annotation for p in parts), "None")
        kind = schema.get("type")
        if kind == "string":
            if "enum" in schema:
                values = tuple(str(v) for v in schema["enum"])
                return _TypeOut(_literal(values), "None", values)
            return _TypeOut("str", "None")
        if kind == "integer":
            return _TypeOut("int", "None")
        if kind == "number":
            return _TypeOut("float", "None")
        if kind == "boolean":
            return _TypeOut("bool", "None")
        if kind == "array":
            item = self.response_type(schema.get("items", {}), inline_name + "Item", where, out, imports)
            shape = "None" if item.shape == "None" else f"S.ListOf({item.shape})"
            return _TypeOut(f"list[{item.annotation}]", shape)
        if kind == "object" or "properties" in schema:
            page = self.is_list_object(schema)
            if page:
                item = self.response_type(
                    schema["properties"]["data"].get("items", {}), inline_name + "Item", where, out, imports
                )
                wrapper = "ListObject" if page == "list" else "SearchResult"
                shape_class = "ListPage" if page == "list" else "SearchPage"
                return _TypeOut(f"{wrapper}[{item.annotation}]", f"S.{shape_class}({item.shape})")
            if schema.get("properties"):
                self.model(where, inline_name, schema, out, imports)
                return _TypeOut(inline_name, f'S.Model("{inline_name}")')
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                value = self.response_type(extra, inline_name + "Value", where, out, imports)
                shape = "None" if value.shape == "None" else f"S.MapOf({value.shape})"
                return _TypeOut(f"dict[str, {value.annotation}]", shape)
            return _TypeOut("dict[str, Any]", "None")
        if not schema:
            return _TypeOut("Any", "None")
        raise SpecError(f"{where}: unsupported schema {sorted(schema)}")

    # --- request parameters --------------------------------------------------------

    def param_type(self, schema: dict[str, Any], name: str, out: list[ParamsDict], where: str) -> str:
        schema = self.deref(schema)
        if "anyOf" in schema:
            return _union(
                self.param_type(s, f"{name}{i}" if i else name, out, where)
                for i, s in enumerate(schema["anyOf"])
            )
        kind = schema.get("type")
        if kind == "string":
            if "enum" in schema:
                return _literal(schema["enum"])
            if schema.get("format") == "binary":
                return "FileInput"
            return "str"
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float"
        if kind == "boolean":
            return "bool"
        if kind == "array":
            # Sequence, not list: inputs may be tuples, and resources have a `list` method
            # that would shadow the builtin inside class bodies.
            return f"Sequence[{self.param_type(schema.get('items', {}), name, out, where)}]"
        if kind == "object" or "properties" in schema:
            if schema.get("properties"):
                required = set(schema.get("required", ()))
                fields = tuple(
                    self.param(key, sub, key in required, class_name(name, key), out, where)
                    for key, sub in sorted(schema["properties"].items())
                )
                functional = not all(naming.is_valid_key(f.wire_name) for f in fields)
                out.append(ParamsDict(name, fields, functional, doc(schema.get("description"))))
                return name
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return f"dict[str, {self.param_type(extra, name + 'Value', out, where)}]"
            return "dict[str, Any]"
        if not schema:
            return "Any"
        raise SpecError(f"{where}: unsupported parameter schema {sorted(schema)}")

    def param(
        self,
        wire: str,
        schema: dict[str, Any],
        required: bool,
        dict_name: str,
        out: list[ParamsDict],
        where: str,
    ) -> Param:
        annotation = self.param_type(schema, dict_name, out, f"{where} {wire}")
        enum = self.deref(schema).get("enum")
        return Param(
            wire_name=wire,
            py_name=identifier(wire),
            annotation=annotation,
            required=required,
            enum=tuple(str(v) for v in enum) if enum else None,
            doc=doc(schema.get("description")),
        )

    def minor_units(self, key: str, path: str, schema: dict[str, Any], described: str | None) -> list[str]:
        """Bracket paths of minor-unit integer amounts within one request parameter."""
        schema = self.deref(schema)
        described = schema.get("description") or described
        if "anyOf" in schema:
            return sorted({p for s in schema["anyOf"] for p in self.minor_units(key, path, s, described)})
        kind = schema.get("type")
        if kind == "integer":
            return [path] if is_minor_units(key, described) else []
        if kind == "array":  # an array of amounts (fixed_amounts) is named for its items
            return self.minor_units(key, path + "[]", schema.get("items", {}), described)
        found = []
        for sub_key, sub in sorted(schema.get("properties", {}).items()):
            found += self.minor_units(sub_key, f"{path}[{sub_key}]", sub, None)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:  # a map (currency_options) keyed by the caller
            found += self.minor_units(key, path + "[]", extra, None)
        return found

    # --- operations ----------------------------------------------------------------

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
                if p.py_name in (
                    "idempotency_key",
                    "stripe_account",
                    "timeout",
                    "max_retries",
                    "stripe_version",
                ):
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
                method=call.method,
                call_path=call.dotted,
                path_params=tuple(path_params),
                params=tuple(params),
                return_annotation=annotation,
                response_shape=shape,
                encoding=encoding,
                base=base,
                doc=doc(op.get("description") or op.get("summary")),
                deprecated=bool(op.get("deprecated")),
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
        return attrs.evolve(param, annotation=override.annotation, enum=override.allowed)

    # --- the resource tree ---------------------------------------------------------

    def api(self) -> Api:
        model_modules = self.model_modules()
        ops = self.operations()

        # (namespaces, resources) -> operations
        groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Operation]] = {}
        group_dicts: dict[tuple[str, ...], list[ParamsDict]] = {}
        group_imports: dict[tuple[str, ...], set[tuple[str, str]]] = {}
        for call, op, dicts, imports in ops:
            groups.setdefault((call.namespaces, call.resources), []).append(op)
            top_key = (*call.namespaces, call.resources[0])
            group_dicts.setdefault(top_key, []).extend(dicts)
            group_imports.setdefault(top_key, set()).update(imports)
        # every ancestor resource exists, even without operations of its own
        for ns, res in list(groups):
            for i in range(1, len(res)):
                groups.setdefault((ns, res[:i]), [])

        def resource(ns: tuple[str, ...], res: tuple[str, ...]) -> Resource:
            children = tuple(
                resource(ns, r)
                for (n, r) in sorted(groups)
                if n == ns and len(r) == len(res) + 1 and r[:-1] == res
            )
            operations = tuple(sorted(groups[(ns, res)], key=lambda o: o.method))
            names = [(o.method, o.path) for o in operations] + [
                (c.attr, "resource " + c.attr) for c in children
            ]
            naming.ensure_unique(names, f"attribute of {class_name(*ns, *res)}")
            cls = naming.resource_class_name((*ns, *res))
            guards = self.overrides.guards((*ns, *res), cls, {o.method for o in operations})
            return Resource(res[-1], cls, (*ns, *res), operations, children, guards)

        resource_modules = []
        refs: dict[tuple[str, ...], ResourceRef] = {}
        for ns, res in sorted(groups):
            if len(res) != 1:
                continue
            key = ns + res
            top = resource(ns, res)
            flat = _depth_first(top)
            module = module_name("_".join(key))
            dicts = sorted({d.name: d for d in group_dicts[key]}.values(), key=lambda d: d.name)
            naming.ensure_unique(((d.name, repr(d.fields)) for d in group_dicts[key]), "params class")
            used = " ".join(o.return_annotation for r in flat for o in r.operations)
            model_imports = tuple(sorted(i for i in group_imports[key] if re.search(rf"\b{i[1]}\b", used)))
            mentioned = {
                word
                for r in flat
                for o in r.operations
                for p in o.params
                for word in re.findall(r"\w+", p.annotation)
            }
            params_imports = tuple(sorted(d.name for d in dicts if d.name in mentioned))
            resource_modules.append(
                ResourceModule(module, tuple(flat), tuple(dicts), model_imports, params_imports)
            )
            refs[key] = ResourceRef(top.attr, top.class_name, module)

        namespaces: list[Namespace] = []

        def tree(prefix: tuple[str, ...]) -> tuple[Namespace | ResourceRef, ...]:
            nodes: list[Namespace | ResourceRef] = []
            names = sorted(
                {key[len(prefix)] for key in refs if len(key) > len(prefix) and key[: len(prefix)] == prefix}
            )
            for name in names:
                key = (*prefix, name)
                if key in refs:
                    nodes.append(refs[key])
                else:
                    ns_node = Namespace(name, class_name(*key), tree(key))
                    namespaces.append(ns_node)
                    nodes.append(ns_node)
            naming.ensure_unique(((n.attr, type(n).__name__) for n in nodes), "client attribute")
            return tuple(nodes)

        root = tree(())
        models = {m.name: m.schema_name for mod in model_modules for m in mod.models}
        for rm in resource_modules:
            for r in rm.resources:
                if r.class_name in models:
                    raise NamingError(
                        f"resource class {r.class_name} (client.{'.'.join(r.chain)}) collides with the model"
                        f" for {models[r.class_name]}: add a rename to naming.RESOURCE_CLASS_RENAMES"
                    )
        all_ops = tuple(sorted((op for _, op, _, _ in ops), key=lambda o: o.call_path))
        live: dict[str, str] = {}
        deleted: dict[str, str] = {}
        for name in sorted(self.schemas):
            schema = self.schemas[name]
            value = self.object_value(schema)
            if value is None or name in self.aliases or self.is_list_object(schema):
                continue
            table = deleted if schema.get("properties", {}).get("deleted", {}).get("enum") == [True] else live
            if value in table and table[value] != self.class_of[name]:
                raise NamingError(
                    f"object type {value!r} is claimed by {table[value]} and {self.class_of[name]}"
                )
            table[value] = self.class_of[name]
        return Api(
            api_version=self.loaded.lock.api_version,
            sha256=self.loaded.lock.sha256,
            commit=self.loaded.lock.commit,
            root=root,
            namespaces=tuple(sorted(namespaces, key=lambda n: n.class_name)),
            resource_modules=tuple(resource_modules),
            model_modules=model_modules,
            operations=all_ops,
            object_classes=tuple(sorted(live.items())),
            deleted_object_classes=tuple(sorted(deleted.items())),
            event_types=self.event_types(),
            override_reviews=self.overrides.finish(self.loaded.lock.api_version),
        )

    def event_types(self) -> tuple[str, ...]:
        """Event types, as the spec lists them for webhook endpoints' ``enabled_events``."""
        op = self.doc_["paths"].get("/v1/webhook_endpoints", {}).get("post", {})
        content = op.get("requestBody", {}).get("content", {}).get("application/x-www-form-urlencoded", {})
        prop = content.get("schema", {}).get("properties", {}).get("enabled_events", {})
        values = self.deref(prop.get("items", {})).get("enum", [])
        return tuple(sorted(str(v) for v in values if v != "*"))
