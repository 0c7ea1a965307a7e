"""Response models: component schemas (and the inline objects inside them) -> IR models."""

from __future__ import annotations

import re
from typing import Any

import attrs

from ..spec import SpecError
from . import naming
from .naming import NamingError, class_name, identifier
from .nodes import Alias, Field, Model, ModelModule
from .schema import SchemaView
from .text import doc, literal, union

# The masking rule, decided here once: which response fields are secrets (masked in repr/str,
# readable as attributes). Three classes:
# 1. credentials, by name in any object: ``client_secret``, ``secret``, full bank account
#    numbers (``account_number``, ``sender_account_number``; the ``*_last4`` siblings stay clear);
# 2. bearer URLs, from the spec: a Stripe-made ``url``/``*_url`` whose description says it opens
#    a hosted, short-lived, sensitive or redirect page for one customer (whoever holds the link
#    acts as that customer or account); URLs the integration supplies (return, success, cancel)
#    and list ``url`` paths are not secrets;
# 3. the few the spec cannot tell, listed by (schema, field).
SECRET_NAMES = frozenset({"client_secret", "secret", "account_number", "sender_account_number"})
SECRET_FIELDS = frozenset(
    {
        ("apps.secret", "payload"),
        ("issuing.card", "number"),
        ("issuing.card", "cvc"),
        ("account_link", "url"),  # "The URL for the account link."
        ("login_link", "url"),
    }
)
_BEARER_URL = re.compile(
    r"hosted|short-lived|sensitive information|publicly accessible URL to download|receipt"
    r"|redirect (?:customers|your customer|a customer) to|must redirect|redirect based auth"
    r"|creates a new Checkout Session",
    re.IGNORECASE,
)
_SUPPLIED_URL = re.compile(r"(?:^|_)(?:return|success|cancel|refresh)_url$")


def is_secret(owner: str, prop: str, schema: dict[str, Any]) -> bool:
    """Whether a response field holds a secret (see the rule above; ``owner`` is the schema name)."""
    if prop in SECRET_NAMES or (owner, prop) in SECRET_FIELDS:
        return True
    is_url = prop == "url" or prop.endswith("_url")
    return (
        is_url
        and schema.get("type") == "string"
        and not _SUPPLIED_URL.search(prop)
        and bool(_BEARER_URL.search(schema.get("description") or ""))
    )


@attrs.define
class TypeOut:
    annotation: str
    shape: str  # a runtime shape expression; "None" = pass-through


class ModelTypes(SchemaView):
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
                summary = doc(schema.get("description")) or (
                    f"One of {', '.join(members)}, told apart by their ``object`` field."
                )
                alias = Alias(self.class_of[name], name, members, union(members), summary)
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
        for prop in sorted(schema.get("properties", {})):
            sub = schema["properties"][prop]
            attr = identifier(prop)
            typ = self.response_type(sub, class_name(cls, prop), f"{schema_name}.{prop}", out, imports)
            nullable = bool(sub.get("nullable")) or prop not in required
            annotation = union([typ.annotation, "None"]) if nullable else typ.annotation
            secret = is_secret(schema_name, prop, sub)
            fields.append(
                Field(
                    json_name=prop,
                    attr=attr,
                    annotation=annotation,
                    shape=typ.shape,
                    required=prop in required,
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
                doc=doc(schema.get("description") or f"The ``{schema_name}`` object."),
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
    ) -> TypeOut:
        if "$ref" in schema:
            names = self.members(self.ref_name(schema))
            for n in names:
                imports.add((self.module_of[n], self.class_of[n]))
            classes = [self.class_of[n] for n in names]
            if len(classes) == 1:
                return TypeOut(classes[0], f'S.Model("{classes[0]}")')
            return TypeOut(union(classes), "S.OneOf(" + ", ".join(f'"{c}"' for c in classes) + ")")
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
                    return TypeOut(union(["str", *classes]), f"S.Expandable({quoted})")
                if len(classes) == 1:
                    return TypeOut(classes[0], f'S.Model("{classes[0]}")')
                return TypeOut(union(classes), f"S.OneOf({quoted})")
            parts = [
                self.response_type(s, f"{inline_name}{i}", where, out, imports)
                for i, s in enumerate(schema["anyOf"])
            ]
            if any(p.shape != "None" for p in parts):
                raise SpecError(f"{where}: unsupported anyOf mixing models and other types")
            return TypeOut(union(p.annotation for p in parts), "None")
        kind = schema.get("type")
        if kind == "string":
            if "enum" in schema:
                return TypeOut(literal(schema["enum"]), "None")
            return TypeOut("str", "None")
        if kind == "integer":
            return TypeOut("int", "None")
        if kind == "number":
            return TypeOut("float", "None")
        if kind == "boolean":
            return TypeOut("bool", "None")
        if kind == "array":
            item = self.response_type(schema.get("items", {}), inline_name + "Item", where, out, imports)
            shape = "None" if item.shape == "None" else f"S.ListOf({item.shape})"
            return TypeOut(f"list[{item.annotation}]", shape)
        if kind == "object" or "properties" in schema:
            page = self.is_list_object(schema)
            if page:
                item = self.response_type(
                    schema["properties"]["data"].get("items", {}), inline_name + "Item", where, out, imports
                )
                wrapper = "ListObject" if page == "list" else "SearchResult"
                shape_class = "ListPage" if page == "list" else "SearchPage"
                return TypeOut(f"{wrapper}[{item.annotation}]", f"S.{shape_class}({item.shape})")
            if schema.get("properties"):
                self.model(where, inline_name, schema, out, imports)
                return TypeOut(inline_name, f'S.Model("{inline_name}")')
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                value = self.response_type(extra, inline_name + "Value", where, out, imports)
                shape = "None" if value.shape == "None" else f"S.MapOf({value.shape})"
                return TypeOut(f"dict[str, {value.annotation}]", shape)
            return TypeOut("dict[str, Any]", "None")
        if not schema:
            return TypeOut("Any", "None")
        raise SpecError(f"{where}: unsupported schema {sorted(schema)}")

    def object_classes(self) -> tuple[dict[str, str], dict[str, str]]:
        """`object` value -> model class, for live objects and for ``deleted_*`` ones."""
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
        return live, deleted
