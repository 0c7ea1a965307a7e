"""Request parameters: spec schemas -> annotations, TypedDicts and minor-unit amount paths."""

from __future__ import annotations

from typing import Any

import attrs

from ..spec import SpecError
from . import naming
from .naming import class_name, identifier
from .nodes import Param, ParamsDict
from .overrides import is_minor_units
from .schema import SchemaView
from .text import doc, literal, union

_SCALARS = {"integer": "int", "number": "float", "boolean": "bool"}


@attrs.frozen
class ParamOut:
    """A request parameter and the TypedDicts its annotation names (nested ones first)."""

    param: Param
    dicts: tuple[ParamsDict, ...] = ()


@attrs.frozen
class Annotation:
    text: str
    dicts: tuple[ParamsDict, ...] = ()


def _joined(parts: list[Annotation], text: str) -> Annotation:
    return Annotation(text, tuple(d for p in parts for d in p.dicts))


class ParamTypes(SchemaView):
    def param_type(self, schema: dict[str, Any], name: str, where: str) -> Annotation:
        schema = self.deref(schema)
        if "anyOf" in schema:
            parts = [
                self.param_type(s, f"{name}{i}" if i else name, where) for i, s in enumerate(schema["anyOf"])
            ]
            return _joined(parts, union(p.text for p in parts))
        kind = schema.get("type")
        if kind == "string":
            if "enum" in schema:
                return Annotation(literal(schema["enum"]))
            if schema.get("format") == "binary":
                return Annotation("FileInput")
            if schema.get("format") == "decimal":
                return Annotation("str | Decimal")
            return Annotation("str")
        if kind in _SCALARS:
            return Annotation(_SCALARS[kind])
        if kind == "array":
            # Sequence, not list: inputs may be tuples, and resources have a `list` method
            # that would shadow the builtin inside class bodies.
            item = self.param_type(schema.get("items", {}), name, where)
            return _joined([item], f"Sequence[{item.text}]")
        if kind == "object" or "properties" in schema:
            if schema.get("properties"):
                required = set(schema.get("required", ()))
                fields = [
                    self.param(key, sub, key in required, class_name(name, key), where)
                    for key, sub in sorted(schema["properties"].items())
                ]
                functional = not all(naming.is_valid_key(f.param.wire_name) for f in fields)
                own = ParamsDict(
                    name, tuple(f.param for f in fields), functional, doc(schema.get("description"))
                )
                return Annotation(name, (*(d for f in fields for d in f.dicts), own))
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                value = self.param_type(extra, name + "Value", where)
                return _joined([value], f"dict[str, {value.text}]")
            return Annotation("dict[str, Any]")
        if not schema:
            return Annotation("Any")
        raise SpecError(f"{where}: unsupported parameter schema {sorted(schema)}")

    def multipart_part(self, schema: dict[str, Any]) -> dict[str, Any]:
        """A multipart body's free-text string part is an upload: OpenAPI 3.0 spells it
        ``format: binary``, which older Stripe specs leave out (``files.create(file=...)``)."""
        target = self.deref(schema)
        if target.get("type") == "string" and not {"enum", "format"} & target.keys():
            return {**target, "format": "binary"}
        return schema

    def param(
        self, wire: str, schema: dict[str, Any], required: bool, dict_name: str, where: str
    ) -> ParamOut:
        annotation = self.param_type(schema, dict_name, f"{where} {wire}")
        param = Param(
            wire_name=wire,
            py_name=identifier(wire),
            annotation=annotation.text,
            required=required,
            doc=doc(schema.get("description")),
            kinds="|".join(sorted(self.kinds(schema))),
        )
        return ParamOut(param, annotation.dicts)

    def kinds(self, schema: dict[str, Any]) -> set[str]:
        """The runtime kinds a parameter accepts: str, decimal, int, float, bool, seq, map, file, any."""
        schema = self.deref(schema)
        if "anyOf" in schema:
            return {k for s in schema["anyOf"] for k in self.kinds(s)}
        kind = schema.get("type")
        if kind == "string":
            return {{"binary": "file", "decimal": "decimal"}.get(schema.get("format", ""), "str")}
        simple = {"integer": "int", "number": "float", "boolean": "bool", "array": "seq", "object": "map"}
        return {simple[kind]} if kind in simple else {"any"}

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
        # Integers inside an amount-named object are amounts too (custom_unit_amount[maximum]).
        inherited = key if is_minor_units(key, None) else None
        for sub_key, sub in sorted(schema.get("properties", {}).items()):
            found += self.minor_units(inherited or sub_key, f"{path}[{sub_key}]", sub, None)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:  # a map (currency_options) keyed by the caller
            found += self.minor_units(key, path + "[]", extra, None)
        return found
