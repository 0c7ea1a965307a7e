"""Response models: component schemas (and the inline objects inside them) -> IR models."""

from __future__ import annotations

import re
from typing import Any

import attrs

from ..spec import SpecError
from . import naming
from .naming import class_name, identifier
from .nodes import Alias, Field, Model, ModelModule
from .overrides import Applier
from .problems import Problem, fix_for
from .schema import SchemaView
from .text import doc, literal, union

# The masking rule, decided here once: which response fields are secrets (masked in repr/str,
# readable as attributes). Three classes:
# 1. credentials and identifiers, by name in any object: a ``secret`` or ``password`` (any
#    ``*_secret``/``*_password``: ``client_secret``, ``signing_secret``), a bearer token
#    (``authentication_token``, ``client_token``, ``access_token``, ``refresh_token``), full
#    bank account numbers (``account_number``, ``sender_account_number``, ``iban``,
#    ``sender_iban``, ``refund_iban``, ``clabe``; the ``*_last4`` siblings stay clear) and
#    government ID numbers (``id_number``);
# 2. bearer links, from the spec: a Stripe-made ``url``/``*_url`` whose description says it
#    opens a hosted, short-lived, sensitive or redirect page for one customer, and a
#    ``pdf``/``*_pdf`` link to download a customer's document (whoever holds the link acts as
#    that customer or reads the document); URLs the integration supplies (return, success,
#    cancel) and list ``url`` paths are not secrets;
# 3. the few the spec cannot tell, listed by (schema, field), among them an event's
#    ``previous_attributes`` (old values of any field: its repr shows the keys only).
SECRET_NAMES = frozenset(
    {
        "account_number",
        "sender_account_number",
        "iban",
        "sender_iban",
        "refund_iban",
        "clabe",
        "id_number",
    }
)
SECRET_FIELDS = frozenset(
    {
        ("apps.secret", "payload"),
        ("issuing.card", "number"),
        ("issuing.card", "cvc"),
        ("account_link", "url"),  # "The URL for the account link."
        ("login_link", "url"),
        ("gelato_document_report", "number"),  # "Document ID number."
        ("notification_event_data", "previous_attributes"),  # old values of any field: keys only
    }
)
_BEARER_URL = re.compile(
    r"hosted|short-lived|sensitive information|publicly accessible URL to download|receipt"
    r"|redirect (?:customers|your customer|a customer) to|must redirect|redirect based auth"
    r"|creates a new Checkout Session|pre-signed",
    re.IGNORECASE,
)
_CREDENTIAL = re.compile(r"(?:^|_)(?:secret|password)$|^(?:authentication|client|access|refresh)_token$")
_DOWNLOAD = re.compile(r"download", re.IGNORECASE)
_SUPPLIED_URL = re.compile(r"(?:^|_)(?:return|success|cancel|refresh)_url$")


def is_secret(owner: str, prop: str, schema: dict[str, Any]) -> bool:
    """Whether a response field holds a secret (see the rule above; ``owner`` is the schema name)."""
    if (owner, prop) in SECRET_FIELDS:
        return True
    # An object named so (an iban record, id_number options) holds its own fields.
    if schema.get("type") != "string":
        return False
    if prop in SECRET_NAMES or _CREDENTIAL.search(prop):
        return True
    description = schema.get("description") or ""
    if prop == "pdf" or prop.endswith("_pdf"):
        return bool(_DOWNLOAD.search(description))
    is_url = prop == "url" or prop.endswith("_url")
    return is_url and not _SUPPLIED_URL.search(prop) and bool(_BEARER_URL.search(description))


# Free-form objects that hold an API resource: typed by their `object` value at run time
# (so the resource's model, masking included, applies), as webhook events are.
RESOURCE_FIELDS = {("notification_event_data", "object")}


@attrs.frozen
class TypeOut:
    """A response type, with the inline models it needs and the component models it names."""

    annotation: str
    shape: str  # a runtime shape expression; "None" = pass-through
    models: tuple[Model, ...] = ()  # inline objects, nested ones first
    imports: frozenset[tuple[str, str]] = frozenset()  # (module, class) of component models

    def around(self, annotation: str, shape: str, *inner: TypeOut) -> TypeOut:
        """A type made of ``self`` and ``inner``: their models and imports carry over."""
        parts = (self, *inner)
        models = tuple(m for p in parts for m in p.models)
        return TypeOut(annotation, shape, models, frozenset().union(*(p.imports for p in parts)))


@attrs.frozen
class Inline:
    """Where a response type is: the class an inline object here gets, and the schema path."""

    name: str
    where: str  # "charge.outcome", or an operation id


class ModelTypes:
    """Response models and types, over one spec's schemas."""

    def __init__(self, view: SchemaView, overrides: Applier) -> None:
        self.view = view
        self.overrides = overrides
        self.problems: list[Problem] = []
        self.model_classes_taken = set(view.class_of.values())  # inline classes join as they are made

    def model_modules(self) -> tuple[ModelModule, ...]:
        modules = []
        for name in sorted(self.view.schemas):
            schema = self.view.schemas[name]
            module = self.view.module_of[name]
            if name in self.view.aliases:
                members = tuple(self.view.class_of[m] for m in self.view.members(name))
                imports = {(self.view.module_of[m], self.view.class_of[m]) for m in self.view.members(name)}
                summary = doc(schema.get("description")) or (
                    f"One of {', '.join(members)}, told apart by their ``object`` field."
                )
                alias = Alias(self.view.class_of[name], name, members, union(members), summary)
                modules.append(ModelModule(module, (), (alias,), tuple(sorted(imports))))
                continue
            try:
                built = self.model(name, self.view.class_of[name], schema, top=True)
            except SpecError as exc:
                self.problems.append(Problem(f"components.schemas.{name}", str(exc), fix_for(exc)))
                continue
            own = {m.name for m in built.models}
            imports = {i for i in built.imports if i[1] not in own}
            modules.append(ModelModule(module, built.models, (), tuple(sorted(imports))))
        return tuple(modules)

    def inline_class(self, plain: str) -> str:
        """A class name for an inline object: component schemas' names come first."""
        return naming.claim(plain, self.model_classes_taken)

    def model(self, schema_name: str, cls: str, schema: dict[str, Any], top: bool = False) -> TypeOut:
        """The model ``cls`` (last, after the inline models its fields need)."""
        required = set(schema.get("required", ()))
        fields = []
        types = []
        for prop in sorted(schema.get("properties", {})):
            sub = schema["properties"][prop]
            attr = identifier(prop)
            typ = self.response_type(sub, class_name(cls, prop), f"{schema_name}.{prop}")
            if (schema_name, prop) in RESOURCE_FIELDS:
                typ = TypeOut("StripeObject", "S.AnyObject()")
            types.append(typ)
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
        model = Model(
            name=cls,
            schema_name=schema_name,
            fields=tuple(fields),
            doc=doc(schema.get("description") or f"The ``{schema_name}`` object."),
            object_value=self.view.object_value(schema),
            deleted=deleted,
            mixin=self.overrides.model_mixin(schema_name, cls) if top else None,
        )
        # Nested classes come before their parent so the module reads bottom-up.
        nested = tuple(m for t in types for m in t.models)
        return TypeOut(
            cls, f'S.Model("{cls}")', (*nested, model), frozenset().union(*(t.imports for t in types))
        )

    def refs(self, names: list[str]) -> TypeOut:
        """Component models by schema name: one model, or a union told apart by ``object``."""
        classes = [self.view.class_of[n] for n in names]
        imports = frozenset((self.view.module_of[n], self.view.class_of[n]) for n in names)
        if len(classes) == 1:
            return TypeOut(classes[0], f'S.Model("{classes[0]}")', (), imports)
        quoted = ", ".join(f'"{c}"' for c in classes)
        return TypeOut(union(classes), f"S.OneOf({quoted})", (), imports)

    def response_type(self, schema: dict[str, Any], inline_name: str, where: str) -> TypeOut:
        """The type of a response value; ``inline_name`` is what an inline object here is called."""
        return self.view.walk(schema, self, Inline(inline_name, where))

    def on_ref(self, schema: dict[str, Any], at: Inline) -> TypeOut:
        return self.refs(self.view.members(self.view.ref_name(schema)))

    def on_any_of(self, members: list[dict[str, Any]], at: Inline) -> TypeOut:
        refs = [s for s in members if "$ref" in s]
        others = [s for s in members if "$ref" not in s]
        if refs and all(s.get("type") == "string" and "enum" not in s for s in others):
            names = [n for r in refs for n in self.view.members(self.view.ref_name(r))]
            models = self.refs(names)
            if others:  # an id, or the object when expanded
                classes = [self.view.class_of[n] for n in names]
                quoted = ", ".join(f'"{c}"' for c in classes)
                return models.around(union(["str", *classes]), f"S.Expandable({quoted})")
            return models
        parts = [self.response_type(s, f"{at.name}{i}", at.where) for i, s in enumerate(members)]
        if any(p.shape != "None" for p in parts):
            raise SpecError(f"{at.where}: unsupported anyOf mixing models and other types")
        return parts[0].around(union(p.annotation for p in parts), "None", *parts[1:])

    def on_string(self, schema: dict[str, Any], at: Inline) -> TypeOut:
        if "enum" in schema:
            return TypeOut(literal(schema["enum"]), "None")
        # v2 writes 64-bit integers and decimals as strings: they are int and Decimal here,
        # and strings again in to_dict(). (v1's decimal strings stay str, as they always were.)
        fmt = schema.get("format")
        if fmt == "int64":
            return TypeOut("int", "S.INT64")
        if fmt == "decimal" and at.where.startswith("v2."):
            return TypeOut("Decimal", "S.DECIMAL")
        return TypeOut("str", "None")

    def on_scalar(self, python: str, schema: dict[str, Any], at: Inline) -> TypeOut:
        return TypeOut(python, "None")

    def on_array(self, items: dict[str, Any], at: Inline) -> TypeOut:
        item = self.response_type(items, at.name + "Item", at.where)
        shape = "None" if item.shape == "None" else f"S.ListOf({item.shape})"
        return item.around(f"list[{item.annotation}]", shape)

    def on_object(self, schema: dict[str, Any], at: Inline) -> TypeOut:
        page = self.view.is_list_object(schema)
        if page:
            item = self.response_type(
                schema["properties"]["data"].get("items", {}), at.name + "Item", at.where
            )
            wrapper, shape_class = {
                "list": ("ListObject", "ListPage"),
                "search": ("SearchResult", "SearchPage"),
                "v2_list": ("V2ListObject", "V2ListPage"),
            }[page]
            return item.around(f"{wrapper}[{item.annotation}]", f"S.{shape_class}({item.shape})")
        if schema.get("properties"):
            return self.model(at.where, self.inline_class(at.name), schema)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            value = self.response_type(extra, at.name + "Value", at.where)
            shape = "None" if value.shape == "None" else f"S.MapOf({value.shape})"
            return value.around(f"dict[str, {value.annotation}]", shape)
        return TypeOut("dict[str, Any]", "None")

    def on_any(self, at: Inline) -> TypeOut:
        return TypeOut("Any", "None")

    def unsupported(self, schema: dict[str, Any], at: Inline) -> SpecError:
        return SpecError(f"{at.where}: unsupported schema {sorted(schema)}")

    def object_classes(self) -> tuple[dict[str, str], dict[str, str]]:
        """`object` value -> model class, for live objects and for ``deleted_*`` ones."""
        live: dict[str, str] = {}
        deleted: dict[str, str] = {}
        for name in sorted(self.view.schemas):
            schema = self.view.schemas[name]
            value = self.view.object_value(schema)
            if value is None or name in self.view.aliases or self.view.is_list_object(schema):
                continue
            table = deleted if schema.get("properties", {}).get("deleted", {}).get("enum") == [True] else live
            if value in table and table[value] != self.view.class_of[name]:
                what = f"object type {value!r} is also claimed by {table[value]}"
                fix = "give one schema its own `object` value, or a dispatch rule in codegen/ir/models.py"
                self.problems.append(Problem(f"components.schemas.{name}", what, fix))
                continue
            table[value] = self.view.class_of[name]
        return live, deleted
