"""Request parameters: spec schemas -> annotations, TypedDicts and minor-unit amount paths."""

from __future__ import annotations

from typing import Any

import attrs

from ..spec import SpecError
from . import naming
from .naming import class_name, identifier
from .nodes import Kind, Param, ParamsDict
from .overrides import is_minor_units
from .schema import SchemaView
from .text import doc, literal, union

_STRING_KINDS = {"binary": Kind.FILE, "decimal": Kind.DECIMAL}  # by format; otherwise STR


@attrs.frozen
class Place:
    """Where a schema sits inside one request parameter."""

    name: str  # the TypedDict name an object here gets
    key: str  # the name amounts are judged by (the field's, or an amount-named parent's)
    path: str  # bracket path: items[][price_data][unit_amount]
    where: str  # for error messages: "POST /v1/prices currency_options"
    described: str | None = None  # the nearest description (anyOf and arrays pass theirs down)


@attrs.frozen
class Shape:
    """All one walk over a parameter schema finds."""

    annotation: str
    kinds: frozenset[Kind]  # what the runtime accepts
    dicts: tuple[ParamsDict, ...] = ()  # TypedDicts the annotation names, nested ones first
    amounts: tuple[str, ...] = ()  # bracket paths of integer amounts in minor units


@attrs.frozen
class ParamOut:
    """A request parameter, the TypedDicts its annotation names and the amounts inside it."""

    param: Param
    dicts: tuple[ParamsDict, ...] = ()
    amounts: tuple[str, ...] = ()


def _joined(parts: list[Shape], annotation: str, kinds: frozenset[Kind]) -> Shape:
    dicts = tuple(d for p in parts for d in p.dicts)
    return Shape(annotation, kinds, dicts, tuple(a for p in parts for a in p.amounts))


class ParamTypes:
    """Request parameters, over one spec's schemas."""

    def __init__(self, view: SchemaView) -> None:
        self.view = view
        self.dict_names: set[str] = set()

    def dict_name(self, plain: str) -> str:
        """A TypedDict name no other one has: two that fold together get ``2``, ``3``, ..."""
        return naming.claim(plain, self.dict_names)

    def walk(self, schema: dict[str, Any], at: Place) -> Shape:
        """Annotation, runtime kinds, TypedDicts and amounts of a parameter schema, in one pass."""
        described = self.view.deref(schema).get("description") or at.described
        return self.view.walk(schema, self, attrs.evolve(at, described=described))

    def on_ref(self, schema: dict[str, Any], at: Place) -> Shape:
        return self.walk(self.view.deref(schema), at)

    def on_any_of(self, members: list[dict[str, Any]], at: Place) -> Shape:
        parts = [
            self.walk(s, attrs.evolve(at, name=f"{at.name}{i}" if i else at.name))
            for i, s in enumerate(members)
        ]
        kinds = frozenset[Kind]().union(*(p.kinds for p in parts))
        joined = _joined(parts, union(p.annotation for p in parts), kinds)
        return attrs.evolve(joined, amounts=tuple(sorted(set(joined.amounts))))

    def on_string(self, schema: dict[str, Any], at: Place) -> Shape:
        fmt = schema.get("format", "")
        kinds = frozenset({_STRING_KINDS.get(fmt, Kind.STR)})
        if "enum" in schema:
            return Shape(literal(schema["enum"]), kinds)
        return Shape({"binary": "FileInput", "decimal": "str | Decimal"}.get(fmt, "str"), kinds)

    def on_scalar(self, python: str, schema: dict[str, Any], at: Place) -> Shape:
        amounts = (at.path,) if python == "int" and is_minor_units(at.key, at.described) else ()
        return Shape(python, frozenset({Kind(python)}), amounts=amounts)

    def on_array(self, items: dict[str, Any], at: Place) -> Shape:
        # A list or tuple but not a bare str (`expand="customer"` is a type error), and not
        # `list[...]`: resources have a `list` method that shadows it in class bodies. An array
        # of amounts (fixed_amounts) is named for its items.
        item = self.walk(items, attrs.evolve(at, path=at.path + "[]"))
        return _joined([item], f"SequenceNotStr[{item.annotation}]", frozenset({Kind.SEQ}))

    def on_any(self, at: Place) -> Shape:
        return Shape("Any", frozenset({Kind.ANY}))

    def unsupported(self, schema: dict[str, Any], at: Place) -> SpecError:
        return SpecError(f"{at.where}: unsupported parameter schema {sorted(schema)}")

    def on_object(self, schema: dict[str, Any], at: Place) -> Shape:
        kinds = frozenset({Kind.MAP if schema.get("type") == "object" else Kind.ANY})
        extra = schema.get("additionalProperties")
        # a map (currency_options) keyed by the caller
        values = None
        if isinstance(extra, dict) and extra:
            place = Place(at.name + "Value", at.key, at.path + "[]", at.where)
            values = self.walk(extra, place)
        if not schema.get("properties"):
            if values is None:
                return Shape("dict[str, Any]", kinds)
            return _joined([values], f"dict[str, {values.annotation}]", kinds)
        at = attrs.evolve(at, name=self.dict_name(at.name))
        # Integers inside an amount-named object are amounts too (custom_unit_amount[maximum]).
        inherited = at.key if is_minor_units(at.key, None) else None
        required = set(schema.get("required", ()))
        fields = [
            self.field(
                key,
                sub,
                key in required,
                Place(class_name(at.name, key), inherited or key, f"{at.path}[{key}]", f"{at.where} {key}"),
            )
            for key, sub in sorted(schema["properties"].items())
        ]
        functional = not all(naming.is_valid_key(f.param.wire_name) for f in fields)
        own = ParamsDict(at.name, tuple(f.param for f in fields), functional, doc(schema.get("description")))
        amounts = tuple(a for f in fields for a in f.amounts) + (values.amounts if values else ())
        return Shape(at.name, kinds, (*(d for f in fields for d in f.dicts), own), amounts)

    def multipart_part(self, schema: dict[str, Any]) -> dict[str, Any]:
        """A multipart body's free-text string part is an upload: OpenAPI 3.0 spells it
        ``format: binary``, which older Stripe specs leave out (``files.create(file=...)``)."""
        target = self.view.deref(schema)
        if target.get("type") == "string" and not {"enum", "format"} & target.keys():
            return {**target, "format": "binary"}
        return schema

    def param(
        self,
        wire: str,
        schema: dict[str, Any],
        required: bool,
        dict_name: str,
        where: str,
        description: str | None = None,
    ) -> ParamOut:
        """A top-level parameter (query, path or body); ``description``: a query parameter's
        own (the spec puts it beside the schema)."""
        at = Place(dict_name, wire, wire, f"{where} {wire}")
        return self.field(wire, schema, required, at, description)

    def field(
        self, wire: str, schema: dict[str, Any], required: bool, at: Place, description: str | None = None
    ) -> ParamOut:
        shape = self.walk(schema, at)
        param = Param(
            wire_name=wire,
            py_name=identifier(wire),
            annotation=shape.annotation,
            required=required,
            doc=doc(description or self.view.deref(schema).get("description")),
            kinds=shape.kinds,
        )
        return ParamOut(param, shape.dicts, shape.amounts)
